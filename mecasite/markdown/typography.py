"""Language-specific typography applied to text (never to markup or code).

French puts a non-breaking space before `:` and inside « », and a narrow one before `; ! ?`, so that the
sign never starts a line. Editors type ordinary spaces; this makes them right. Pure functions.

One pass, linear in the text: a run of spaces is matched only from its first character (the lookbehind),
so a long run that ends in no sign is read once, not once per space.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

_SPACES = "[ \u00a0\u202f]"
# A run of spaces after « (whatever follows it), or a whole run before a sign.
_FR_RUN = re.compile(rf"(«){_SPACES}+|(?<!{_SPACES}){_SPACES}+(?=([;!?:»]))")
_NARROW = frozenset(";!?")

_FR_SIGNS = re.compile(r"[;!?:»«]")


def _fr_space(match: re.Match[str]) -> str:
    if match.group(1):  # inside « »: a non-breaking space, even before ; ! ?
        return "«" + NBSP
    return NNBSP if match.group(2) in _NARROW else NBSP


def typography(text: str, lang: str) -> str:
    """`text` with the spacing conventions of `lang` applied."""
    if lang != "fr" or not text or not _FR_SIGNS.search(text):
        return text
    return _FR_RUN.sub(_fr_space, text)
