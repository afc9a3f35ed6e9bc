"""The corrected value of what an editor typed, when one can be computed: a country code (from CLDR, via Babel),
a date written another common way, the plain form of a slug or an id.

Field converters (`fields.py`) call these to turn a refusal into a fix: `UK` -> `GB (United Kingdom)`,
`12/05/2016` -> `2016-05-12`, `Flanders Make` -> `flanders-make`. Pure functions; the CLDR tables are read once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.dates import get_month_names

# Codes CLDR names that are not countries: groupings (EU, the euro area, the UN, Outlying Oceania), the
# unknown region and the pseudo-locales' test codes. A partner is in one or more of the countries they stand for.
GROUPINGS = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}
# Languages whose country and month names an editor of this site may type: Belgium's, and English.
NAME_LANGUAGES = ("en", "fr", "nl", "de")
# Letters Unicode does not decompose into a plain letter and a mark.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}
)


def plain_form(text: str) -> str:
    """`Flanders Make` -> `flanders-make`, `été` -> `ete`: lowercase a-z and digits joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_LETTERS)).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


@cache
def territories() -> dict[str, str]:
    """Every two-letter code CLDR names as a country or territory, with its English name."""
    names = Locale.parse("en").territories
    return {code: name for code, name in names.items() if len(code) == 2 and code.isalpha() and code not in GROUPINGS}


def english_name(code: str) -> str:
    """A code's English name in CLDR (groupings included), for messages: `EU` -> `European Union`."""
    name: str = Locale.parse("en").territories.get(code, code)
    return name


@cache
def _by_name() -> dict[str, str]:
    """Country names in the editors' languages, lowercased and plain, to their codes: `pays-bas` -> `NL`."""
    found: dict[str, str] = {}
    for lang in NAME_LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            if code in territories():
                found.setdefault(plain_form(name), code)
    return found


def country_for(typed: str) -> str:
    """The country code an editor most likely meant by `typed` (an old code, a name, lowercase), or ''."""
    code = typed.strip().upper()
    if code in territories():
        return code
    aliases: Mapping[str, list[str]] = get_global("territory_aliases")
    replacement = aliases.get(code, [])
    if len(replacement) == 1 and replacement[0] in territories():  # UK -> GB; not SU -> many
        return replacement[0]
    return _by_name().get(plain_form(typed), "")


@cache
def _months() -> dict[str, int]:
    """Month names and abbreviations in the editors' languages, plain and lowercase: `mei` -> 5, `fevr` -> 2."""
    found: dict[str, int] = {}
    for lang in NAME_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, Locale.parse(lang)).items():
                    found.setdefault(plain_form(name), number)
    return found


_NUMERIC = (  # (pattern, order of the groups): day first, as dates are written in Belgium
    (re.compile(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})"), "dmy"),
    (re.compile(r"(\d{4})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{1,2})\s*[./-]\s*(\d{4})"), "my"),
    (re.compile(r"(\d{4})\s*[./-]\s*(\d{1,2})"), "ym"),
)
_NAMED = (  # 12 mai 2016, 12. Mai 2016, May 2016, May 12, 2016
    (re.compile(r"(\d{1,2})(?:er|st|nd|rd|th)?\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})"), "dmy"),
    (re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"), "mdy"),
    (re.compile(r"([^\W\d_]+)\.?,?\s+(\d{4})"), "my"),
)


def date_parts(typed: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date written another common way (day 0 for a month alone), or None.

    The numbers are not checked: `31/02/2016` gives (2016, 2, 31), for the caller to call it impossible."""
    text = typed.strip()
    for pattern, order in _NUMERIC + _NAMED:
        match = pattern.fullmatch(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = parts["m"]
        number = int(month) if month.isdigit() else _months().get(plain_form(month))
        if number is None:
            return None
        return int(parts["y"]), number, int(parts.get("d", 0))
    return None


def is_real_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return True


def spelled_out(year: int, month: int, day: int) -> str:
    """`12 May 2016`, `May 2016`: how a message says back which date it read."""
    name = get_month_names("wide", "format", Locale.parse("en"))[month]
    return f"{day} {name} {year}" if day else f"{name} {year}"
