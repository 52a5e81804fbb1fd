"""`gc_paused()`: no cyclic garbage collection while one bounded piece of work runs.

CPython's cycle collector runs after every 700 new container objects (dicts, lists, tuples),
and every tenth and hundredth run also goes through the older generations, that is through
most objects of the process. A page that builds tens of thousands of small containers (the
statistics over 342 municipalities and 5,000 villages: the roll-ups' JSON, a key per village,
a row per municipality) sets off many of those runs: 35–45 ms of its 130–145 ms of CPU at
national scale (bench/results/scale.md). Those containers hold no reference cycles; reference
counting frees them when the page is done, and the collector runs again as soon as the block
ends, finding any cycle made in it.

The switch is the process's: a thread that starts a paused block while another one is in its
own sees the collector off and leaves it to the first to switch back on (the pause then ends
a little early, never late).
"""

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    if not gc.isenabled():  # already paused (or switched off on purpose): leave it as it is
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
