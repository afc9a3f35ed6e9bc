"""Typed fields: turning YAML strings into checked values, with messages that teach.

A schema is a mapping of field name to `Field`. `validate` reports every problem of a document at once
(unknown field with a "did you mean", wrong type, missing required field) and returns the converted values.
No I/O here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mecasite.problems import Collector, did_you_mean
from mecasite.sources.corrections import (
    GROUPINGS,
    country_for,
    date_parts,
    english_name,
    is_real_date,
    plain_form,
    spelled_out,
    territories,
)
from mecasite.sources.yamldoc import Path, YamlDoc

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_RE = SLUG_RE
MAX_SLUG = 80


class FieldError(ValueError):
    """A value of the wrong form; `hint` tells the editor the right one."""

    def __init__(self, message: str, hint: str = "", index: int | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint
        self.index = index  # the entry of a list it is about, to point at it rather than at the list


def each(convert: Callable[[Any], Any], values: list[Any]) -> tuple[Any, ...]:
    """Every entry converted; an entry's error says which entry it is."""
    converted = []
    for index, value in enumerate(values):
        try:
            converted.append(convert(value))
        except FieldError as exc:
            raise FieldError(exc.message, exc.hint, index) from None
    return tuple(converted)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day, as sources give them."""

    year: int
    month: int = 0
    day: int = 0

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{n:02d}" for n in (self.month, self.day) if n]
        return "-".join(parts)


def to_text(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError("expected text, found a list or mapping", "write the text on one line, in quotes")
    return value.strip()


def to_int(value: Any) -> int:
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value.strip()):
        return int(value)
    raise FieldError(f"expected a whole number, found {_show(value)}")


def to_bool(value: Any) -> bool:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise FieldError(f"expected true or false, found {_show(value)}", "write true or false")


DATE_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY"


def to_date(value: Any) -> PartialDate:
    text = value.strip() if isinstance(value, str) else ""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not match:
        raise _date_error(value, text)
    year, month, day = (int(g) if g else 0 for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise FieldError(f"'{text}' is not a real date", "check the day and the month") from None
    return PartialDate(year, month, day)


def _date_error(value: Any, text: str) -> FieldError:
    """A date written another common way gets its ISO form, read day first as in Belgium."""
    parts = date_parts(text) if text else None
    if parts is None:
        return FieldError(f"expected a date, found {_show(value)}", f"write {DATE_FORMS}")
    year, month, day = parts
    if not is_real_date(year, month, day):
        return FieldError(
            f"'{text}' is not a real date", "dates are read day first, as in Belgium: check the day and the month"
        )
    iso = PartialDate(year, month, day).iso()
    read = spelled_out(year, month, day)
    if day:
        return FieldError(f"expected a date, found {_show(value)}", f"write {iso}: {read}, day first as in Belgium")
    return FieldError(f"expected a date, found {_show(value)}", f"write {iso} for {read}: the field takes {DATE_FORMS}")


# Names Windows will not create as files or folders, whatever the extension: a site with them cannot be
# checked out, previewed or uploaded from a Windows machine.
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def plain_of(text: str) -> str:
    """The plain form of a name that differs from a slug only by accents, spaces, capitals or apostrophes
    (`Flanders Make` -> `flanders-make`); '' for anything else (`../etc`, `a/b`)."""
    slip = re.fullmatch(r"[^\W_]+(?:[ '’_-]+[^\W_]+)*", unicodedata.normalize("NFC", text))
    return plain_form(text) if slip else ""


def plain_hint(text: str, rule: str, otherwise: str) -> str:
    """`write ete: <rule>` when `text` has a plain form (`plain_of`); a slash, a dot or a control character
    is not a slip to correct, so gets the rule alone (`otherwise`)."""
    plain = plain_of(text)
    return f"write {plain}: {rule}" if plain and plain != text and len(plain) <= MAX_SLUG else otherwise


def to_slug(value: Any) -> str:
    text = to_text(value)
    if len(text) > MAX_SLUG or not SLUG_RE.match(text):
        rule = f"lowercase letters a-z, digits and single hyphens, at most {MAX_SLUG} characters"
        raise FieldError(f"invalid slug {_show(value)}", plain_hint(text, "a slug is " + rule, "use " + rule))
    if text in RESERVED:
        raise FieldError(f"slug '{text}' is a reserved file name on Windows", "choose another word")
    return text


def list_of(convert: Callable[[Any], str], what: str, example: str) -> Callable[[Any], tuple[str, ...]]:
    """A converter for a YAML list whose every entry `convert` accepts; nothing written means empty."""

    def to_list(value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise FieldError(f"expected a list of {what}, found {_show(value)}", f"write {example}")
        return each(convert, value)

    return to_list


to_slugs = list_of(to_slug, "slugs", "[old-slug, older-slug]")


ID_RULE = "ids are folder names: lowercase a-z, digits, hyphens"


def to_id(value: Any) -> str:
    text = to_text(value)
    if not ID_RE.match(text):
        raise FieldError(f"invalid id {_show(value)}", plain_hint(text, ID_RULE, ID_RULE))
    return text


to_ids = list_of(to_id, "ids", "[id-one, id-two]")


FILE_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.[A-Za-z0-9]{2,5}$")


def to_file_name(value: Any) -> str:
    """A file in the item's own folder: a plain name, never a path."""
    text = to_text(value)
    if not FILE_NAME_RE.match(text) or ".." in text:
        raise FieldError(f"expected a file name, found {_show(value)}", "name a file in the item's folder: photo.jpg")
    return text


def to_web_address(value: Any) -> str:
    text = to_text(value)
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text):
        raise FieldError(f"expected a web address, found {_show(value)}", "write it whole: https://www.example.org/")
    return text


def to_country(value: Any) -> str:
    """A two-letter code CLDR knows as a country: `UK`, `EU` and `nl` are refused with the code to write."""
    text = to_text(value)
    if text in territories():
        return text
    meant = country_for(text)
    if text.upper() in GROUPINGS:
        raise FieldError(
            f"'{text}' ({english_name(text.upper())}) is not a country",
            "write each country it stands for, e.g. [BE, DE, FR, LU]",
        )
    if meant and text.upper() == meant:
        raise FieldError(
            f"country codes are written in capitals, found {_show(value)}", f"write {meant} ({english_name(meant)})"
        )
    if meant and re.fullmatch(r"[A-Za-z]{2}", text):
        raise FieldError(f"'{text}' is not a country code", f"did you mean {meant} ({english_name(meant)})?")
    if meant:
        raise FieldError(
            f"expected a two-letter ISO country code, found {_show(value)}", f"write {meant} ({english_name(meant)})"
        )
    if re.fullmatch(r"[A-Za-z]{2}", text):
        raise FieldError(f"'{text}' is not a country code", "use the ISO 3166 code of the country, e.g. BE, FR, NL")
    raise FieldError(f"expected a two-letter ISO country code, found {_show(value)}", "for example BE, FR, NL")


def to_countries(value: Any) -> tuple[str, ...]:
    """One country, or a list for an organisation that spans several."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise FieldError("expected at least one country code")
    return each(to_country, items) if isinstance(value, list) else (to_country(value),)


def to_mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FieldError(f"expected fields (key: value lines), found {_show(value)}")
    return value


def _show(value: Any) -> str:
    """A value as an error message quotes it: control characters made visible, long values cut."""
    if isinstance(value, str):
        shown = value.encode("unicode_escape").decode("ascii") if not value.isprintable() else value
        return f"'{shown[:60]}…' ({len(value)} characters)" if len(shown) > 60 else f"'{shown}'"
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else "nothing"


@dataclass(frozen=True)
class Field:
    """One allowed field: how to read it, whether it must be there, and what it is for."""

    convert: Callable[[Any], Any]
    required: bool = False
    doc: str = ""
    default: Any = None
    internal: bool = False  # written by the tools, never typed: not offered as a "did you mean"


Schema = Mapping[str, Field]


def validate(
    doc: YamlDoc,
    schema: Schema,
    path: str,
    problems: Collector,
    prefix: Path = (),
    what: str = "field",
    elsewhere: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """Converted values of `doc` at `prefix`, every problem recorded with its line. `elsewhere` names, for a
    field of another file (`date` typed in `fr.md`), the file it belongs in and why: (where, because)."""
    data = doc.data
    for key in prefix:
        data = data[key]
    values: dict[str, Any] = {}

    def label(key: str) -> str:
        """A key path for messages: `partners.2.name`."""
        return ".".join(str(k) for k in prefix + (key,))

    for key in data:
        if key not in schema:
            pos = doc.keys.get(prefix + (key,)) or doc.pos(prefix)
            if elsewhere and key in elsewhere:
                where, because = elsewhere[key]
                message, hint = f"{what} '{label(key)}' belongs in {where}", f"move the line there: {because}"
            else:
                typed = [name for name, field in schema.items() if not field.internal]
                message, hint = f"unknown {what} '{label(key)}'", did_you_mean(str(key), typed)
            problems.add(path, pos.line, message, hint, column=pos.column)
    for key, field in schema.items():
        if data.get(key) is None:
            if field.required:
                pos = doc.keys.get(prefix + (key,)) or doc.pos(prefix)
                problems.add(path, pos.line, f"missing required {what} '{label(key)}'", field.doc)
            values[key] = field.default
            continue
        try:
            values[key] = field.convert(data[key])
        except FieldError as exc:
            pos = doc.pos(prefix + (key,) + (() if exc.index is None else (exc.index,)))
            problems.add(path, pos.line, f"{what} '{label(key)}': {exc.message}", exc.hint, column=pos.column)
            values[key] = field.default
    return values
