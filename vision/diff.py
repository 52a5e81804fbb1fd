"""A word-level comparison of two texts, for the vision's "what changed" page.

Pure functions, no database: difflib compares the words; the whitespace after each word is kept
(from the newer text where the words are equal) so line breaks survive in the result.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

_TOKEN = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class Segment:
    kind: str  # EQUAL, INSERT or DELETE
    text: str  # the words, without whitespace at the end
    space: str  # the whitespace that follows (a space or line breaks)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _segment(kind: str, tokens: list[str]) -> Segment:
    joined = "".join(tokens)
    text = joined.rstrip()
    return Segment(kind=kind, text=text, space=joined[len(text) :] or " ")


def word_diff(old: str, new: str) -> list[Segment]:
    """The new text as equal, inserted and deleted runs of words (a replacement: delete, then insert)."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = SequenceMatcher(None, [t.rstrip() for t in old_tokens], [t.rstrip() for t in new_tokens], autojunk=False)
    segments = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(_segment(EQUAL, new_tokens[j1:j2]))
            continue
        if op in ("delete", "replace"):
            segments.append(_segment(DELETE, old_tokens[i1:i2]))
        if op in ("insert", "replace"):
            segments.append(_segment(INSERT, new_tokens[j1:j2]))
    return segments


def words_equal(old: str, new: str) -> bool:
    """True when both texts have the same words (whitespace alone is no change)."""
    return (old or "").split() == (new or "").split()
