"""The four content collections and the schema of their files.

`item.yaml` holds what is the same in every language (dates, countries, references); `<lang>.md` holds what
is translated. Adding a language adds files, never edits an `item.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from mecasite.config.settings import to_language_code
from mecasite.sources.fields import (
    Field,
    Schema,
    list_of,
    to_bool,
    to_countries,
    to_date,
    to_file_name,
    to_id,
    to_ids,
    to_int,
    to_slug,
    to_slugs,
    to_text,
    to_web_address,
)


@dataclass(frozen=True)
class Collection:
    name: str  # folder name and section key: "actions"
    ref: str  # the word used in links and errors: "action" as in [text](action:intermat)
    neutral: Schema
    text: Schema
    has_pages: bool = True


# Parity findings a translator has checked, by the code `check` gives (see content/parity.py).
PARITY_CHECKED = Field(
    list_of(to_text, "codes", "[1a2b3c-4d5e6f]"),
    False,
    "parity findings checked by the translator: the codes `check` gives",
    (),
)


# The fingerprint `translate` writes (content/translations.py): never typed, so never suggested.
INTERNAL_HASH = Field(to_text, False, "written by the translation tools: do not edit", internal=True)


def _text_fields(slug: bool = True) -> dict[str, Field]:
    fields = {
        "title": Field(to_text, True, "the page title in this language"),
        "summary": Field(to_text, True, "one or two sentences for lists and the meta description"),
        "source_hash": INTERNAL_HASH,
        "parity_checked": PARITY_CHECKED,
    }
    if slug:
        fields["slug"] = Field(to_slug, True, "the last URL segment in this language, e.g. intermat")
    fields["old_slugs"] = Field(to_slugs, False, "slugs this page had before: their URLs redirect here", ())
    return fields


def _page_text() -> dict[str, Field]:
    fields = _text_fields()
    fields["slug"] = Field(to_slug, False, "the last URL segment in this language (not for the home page)")
    return fields


COLLECTIONS: Mapping[str, Collection] = {
    c.name: c
    for c in (
        Collection(
            "pages",
            "page",
            {
                "home": Field(to_bool, False, "true for the page shown at each language's root", False),
                "order": Field(to_int, False, "position in the main menu", 0),
                "map_home": Field(to_countries, False, "partners map: the cluster's home country, e.g. BE", ()),
                "map_priority": Field(to_countries, False, "partners map: priority countries, e.g. [NL, DE]", ()),
                "map_distant": Field(to_countries, False, "partners map: long-distance operations, e.g. [CA, US]", ()),
            },
            _page_text(),
        ),
        Collection(
            "actions",
            "action",
            {
                "date": Field(to_date, False, "when it happened: YYYY-MM-DD, YYYY-MM or YYYY"),
                "partners": Field(to_ids, False, "ids of the partners involved", ()),
                "related": Field(to_ids, False, "ids of related actions", ()),
                "image": Field(to_file_name, False, "an image in the action's folder, e.g. photo.jpg"),
            },
            {
                **_text_fields(),
                "image_alt": Field(to_text, False, 'what the image shows, in this language ("" if decorative)'),
            },
        ),
        Collection(
            "partners",
            "partner",
            {
                "country": Field(to_countries, True, "ISO code(s) of the country, e.g. FR or [BE, DE]"),
                "logo": Field(to_file_name, False, "the partner's logo, a file in its folder, e.g. logo.svg"),
                "website": Field(to_web_address, False, "the partner's site, as a source gives it: https://..."),
            },
            _text_fields(),
        ),
        Collection(
            "testimonials",
            "testimonial",
            {
                "partner": Field(to_id, True, "id of the partner who speaks"),
                "language": Field(to_language_code, True, "the language the quote was given in, e.g. en"),
                "order": Field(to_int, False, "position in lists", 0),
                "actions": Field(to_ids, False, "ids of the actions the quote speaks of", ()),
            },
            {
                "signature": Field(to_text, True, "who speaks: role and organisation, in this language"),
                "source_hash": INTERNAL_HASH,
                "parity_checked": PARITY_CHECKED,
            },
            has_pages=False,
        ),
    )
}

# In every collection's item.yaml: work in progress, shown by the preview, left out of builds and `check`.
DRAFT = Field(
    to_bool, False, "true while the item is work in progress: the preview shows it, builds leave it out", False
)
COLLECTIONS = {name: replace(c, neutral={**c.neutral, "draft": DRAFT}) for name, c in COLLECTIONS.items()}

REF_KINDS: Mapping[str, str] = {c.ref: c.name for c in COLLECTIONS.values()}

# Neutral fields that point at other items: field -> collection they point into.
REFERENCES: Mapping[str, Mapping[str, str]] = {
    "actions": {"partners": "partners", "related": "actions"},
    "testimonials": {"partner": "partners", "actions": "actions"},
}
