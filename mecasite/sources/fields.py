"""Typed fields: turning YAML strings into checked values, with messages that teach.

A schema is a mapping of field name to `Field`. `validate` reports every problem of a document at once
(unknown field with a "did you mean", wrong type, missing required field) and returns the converted values.
No I/O here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mecasite.problems import Collector, did_you_mean
from mecasite.sources.yamldoc import Path, YamlDoc

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_RE = SLUG_RE
MAX_SLUG = 80


class FieldError(ValueError):
    """A value of the wrong form; `hint` tells the editor the right one."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


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


def to_date(value: Any) -> PartialDate:
    text = value.strip() if isinstance(value, str) else ""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not match:
        raise FieldError(f"expected a date, found {_show(value)}", "write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(g) if g else 0 for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise FieldError(f"'{text}' is not a real date", "check the day and the month") from None
    return PartialDate(year, month, day)


# Names Windows will not create as files or folders, whatever the extension: a site with them cannot be
# checked out, previewed or uploaded from a Windows machine.
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def to_slug(value: Any) -> str:
    text = to_text(value)
    if len(text) > MAX_SLUG or not SLUG_RE.match(text):
        raise FieldError(
            f"invalid slug {_show(value)}",
            f"use lowercase letters a-z, digits and single hyphens, at most {MAX_SLUG} characters",
        )
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
        return tuple(convert(v) for v in value)

    return to_list


to_slugs = list_of(to_slug, "slugs", "[old-slug, older-slug]")


def to_id(value: Any) -> str:
    text = to_text(value)
    if not ID_RE.match(text):
        raise FieldError(f"invalid id {_show(value)}", "ids are folder names: lowercase a-z, digits, hyphens")
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
    text = to_text(value).upper()
    if not re.fullmatch(r"[A-Z]{2}", text):
        raise FieldError(f"expected a two-letter ISO country code, found {_show(value)}", "for example BE, FR, NL")
    return text


def to_countries(value: Any) -> tuple[str, ...]:
    """One country, or a list for an organisation that spans several."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise FieldError("expected at least one country code")
    return tuple(to_country(v) for v in items)


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


Schema = Mapping[str, Field]


def validate(
    doc: YamlDoc, schema: Schema, path: str, problems: Collector, prefix: Path = (), what: str = "field"
) -> dict[str, Any]:
    """Converted values of `doc` at `prefix`, every problem recorded with its line."""
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
            problems.add(
                path,
                pos.line,
                f"unknown {what} '{label(key)}'",
                did_you_mean(str(key), list(schema)),
                column=pos.column,
            )
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
            pos = doc.pos(prefix + (key,))
            problems.add(path, pos.line, f"{what} '{label(key)}': {exc.message}", exc.hint, column=pos.column)
            values[key] = field.default
    return values
