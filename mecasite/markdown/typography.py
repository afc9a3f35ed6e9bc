"""Language-specific typography applied to text (never to markup or code).

French puts a non-breaking space before `:` and inside « », and a narrow one before `; ! ?`, so that the
sign never starts a line. Editors type ordinary spaces; this makes them right. Pure functions.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

_FR_RULES = (
    (re.compile(r"[ \u00a0\u202f]+([;!?])"), NNBSP + r"\1"),
    (re.compile(r"[ \u00a0\u202f]+([:»])"), NBSP + r"\1"),
    (re.compile(r"«[ \u00a0\u202f]+"), "«" + NBSP),
)

_FR_SIGNS = re.compile(r"[;!?:»«]")


def typography(text: str, lang: str) -> str:
    """`text` with the spacing conventions of `lang` applied."""
    if lang != "fr" or not text or not _FR_SIGNS.search(text):
        return text
    for pattern, replacement in _FR_RULES:
        text = pattern.sub(replacement, text)
    return text
