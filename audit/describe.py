"""The audit log in words: apps above audit say what their rows mean.

A row stores its detail for machines ("officer=12", "fund=3 amount=1800.00") in the language of
nobody; the log page shows it as words in the reader's language. An app registers a describer
(in its AppConfig.ready) for the object types and actions it knows; the describer gets the
whole page of rows at once, so it can look up names in one query per kind.
"""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

# describer(entries) sets `object_text` and/or `detail_text` on the entries it knows.
_describers: list[Callable] = []

SYSTEM = "system"  # the actor_label of a row without a person (audit_log's default)


def register(function: Callable) -> Callable:
    _describers.append(function)
    return function


def describe(entries: Iterable) -> list:
    """Give each entry `actor_text`, `object_text` and `detail_text` to show."""
    entries = list(entries)
    for entry in entries:
        if entry.actor_id:
            entry.actor_text = entry.actor.get_full_name() or entry.actor.get_username()
        elif entry.actor_label in ("", SYSTEM):
            entry.actor_text = _("The platform (automatic)")
        else:
            entry.actor_text = entry.actor_label  # a username typed at the login page
        entry.object_text = entry.object_repr
        entry.detail_text = entry.detail
    for describer in _describers:
        describer(entries)
    return entries


def parse_pairs(detail: str) -> dict[str, str]:
    """ "fund=3 amount=1800.00" -> {"fund": "3", "amount": "1800.00"}."""
    pairs = {}
    for part in detail.split():
        key, sep, value = part.partition("=")
        if sep:
            pairs[key] = value
    return pairs


def parse_change(detail: str) -> tuple[str, str]:
    """ "a -> b" -> ("a", "b"); "-> b" -> ("", "b")."""
    before, sep, after = detail.partition("->")
    if not sep:
        return "", detail.strip()
    return before.strip(), after.strip()
