"""The links of a body, found where they were typed: each problem at the content file's line and column.

A body's links are checked as the body is converted, against what is known before any page is rendered: the
items and their pages, every file the build writes (`site.targets.Targets`), the headings of every body and the
ids the templates write. So a broken link is reported once, at `content/...:line:column`, never at a generated
page; only a template's own links are left to the check of rendered pages (build/links.py). An address of one
of our pages typed by hand is refused for its id form, and a link from a published text to a draft is
refused (a level-1 heading's warning: body_warnings.py). Pure: no I/O.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import unquote

from mecasite.content.drafts import draft_hint, is_draft
from mecasite.content.model import Item, ItemKey, Text
from mecasite.content.schemas import COLLECTIONS, REF_KINDS
from mecasite.markdown.convert import PLACEHOLDER, Converted, spaced
from mecasite.markdown.prose import Heading
from mecasite.problems import WARNING, Problem, did_you_mean
from mecasite.site.targets import closest_ids, own_path

if TYPE_CHECKING:
    from mecasite.render.views import Views  # which makes a LinkCheck: imported for the type only

_HREF = re.compile(r'\shref="([^"]*)"')
_HREF_AT = re.compile(r'href="([^"]*)"')  # searched for five times faster (a literal first); see typed_links
_TEMPLATE_ID = re.compile(r'\bid="([A-Za-z][\w-]*)"')  # literal ids only: an id made of an expression is not known


@dataclass(frozen=True)
class BodyLink:
    """One link as the editor typed it: `partner:acme#history`, `/international/en/`, `#results`, `https://...`."""

    href: str
    line: int  # in the file
    column: int


def typed_links(converted_html: str, body: str, first_line: int, kinds: frozenset[str]) -> list[BodyLink]:
    """The links of a converted body (id links still placeholders), as typed, each with where it was typed."""
    links, seen = [], set()
    for value in hrefs(converted_html):
        href = unescape(value)
        if href.startswith(PLACEHOLDER):  # an id link: partner/acme#x -> partner:acme#x
            kind, _, rest = href[len(PLACEHOLDER) :].partition("/")
            href = f"{kind}:{rest}" if kind in kinds else href
        if href not in seen:
            seen.add(href)
            links.append(BodyLink(href, *position(body, href, first_line)))
    return links


def hrefs(html: str) -> list[str]:
    """What `_HREF.findall(html)` gives, found by the faster expression when each match has its space."""
    found = spaced(_HREF_AT, html)
    if found is not None:
        return [m.group(1) for m in found]
    return _HREF.findall(html)  # `href="` after no space (in a text, say): _HREF may read on from elsewhere


def position(body: str, href: str, first_line: int) -> tuple[int, int]:
    """The line (in the file whose body starts at `first_line`) and column where `href` was typed; the body's
    first line when it cannot be found as typed (a reference definition written another way)."""
    for before, after in (("](", ""), ("<", ">"), ("", "")):
        index = body.find(f"{before}{href}{after}")
        if index >= 0:
            index += len(before)
            line_start = body.rfind("\n", 0, index) + 1
            return first_line + body.count("\n", 0, index), index - line_start + 1
    return first_line, 0


def template_ids(sources: list[str]) -> frozenset[str]:
    """The ids the templates write as they are (`id="main"`), which any page may hold."""
    return frozenset(found for source in sources for found in _TEMPLATE_ID.findall(source))


def closest(anchor: str, anchors: set[str] | frozenset[str], most: int = 5) -> str:
    """A hint listing the anchors a page has, the closest to `anchor` first."""
    if not anchors:
        return "that page has no headings to link to"
    near = difflib.get_close_matches(anchor, sorted(anchors), n=most, cutoff=0.0)
    return "anchors there: " + ", ".join(f"#{a}" for a in near)


FALLBACK = " (on the {lang} page, which shows this text as a fallback)"
_FALLBACK = re.compile(r" \(on the ([\w-]+) page, which shows this text as a fallback\)$")


def fallback_note(text_lang: str, page_lang: str) -> str:
    return FALLBACK.format(lang=page_lang) if text_lang != page_lang else ""


def merge_fallback_copies(problems: list[Problem]) -> list[Problem]:
    """One problem for a link that fails on several pages showing the same text, its languages listed: a
    fallback copy of a text is the same text, typed once."""
    merged: dict[Problem, tuple[bool, list[str]]] = {}
    for problem in problems:
        found = _FALLBACK.search(problem.message)
        base = replace(problem, message=problem.message[: found.start()]) if found else problem
        own, langs = merged.get(base, (False, []))
        merged[base] = (own or not found, langs + ([found.group(1)] if found else []))
    out = []
    for base, (own, langs) in merged.items():
        if not langs:
            out.append(base)
            continue
        where = ", ".join(sorted(set(langs)))
        plural = "s" if len(set(langs)) > 1 else ""
        note = (
            f" (and on the {where} page{plural}, which show{'' if plural else 's'} this text as a fallback)"
            if own
            else f" (on the {where} page{plural}, which show{'' if plural else 's'} this text as a fallback)"
        )
        out.append(replace(base, message=base.message + note))
    return sorted(out)


LINK_HINT = "link to another page of the site with its id: [text](partner:id), (action:id) or (page:id)"


def _key_of(text: Text) -> ItemKey:
    """The item a text belongs to, from its path: content/<collection>/<id>/<lang>.md."""
    collection, item_id = text.path.rsplit("/", 3)[-3:-1]
    return (collection, item_id)


class LinkCheck:
    """Checks one body's links for the views (`views`: their site, converter, problems, the templates' ids and
    every file the build writes), where each was typed; records what each becomes in `views.checked_links`."""

    def __init__(self, views: Views):
        self.views = views
        self._headings: dict[tuple[ItemKey, str], tuple[Heading, ...]] = {}

    def check(self, text: Text, found: BodyLink, page_lang: str, headings: tuple[Heading, ...]) -> None:
        """One link of a body, checked where it was typed (see body_links.py); what it leads to on the page is
        recorded, so that the check of rendered pages leaves it alone."""
        href, kind = found.href, found.href.partition(":")[0]
        fallback = fallback_note(text.lang, page_lang)
        if kind in REF_KINDS:
            message, hint, final = self._ref(found, page_lang, text.lang)
            if not message:
                self._warn_draft(text, found)
        elif href == "#":
            return  # what the cleaner left of a script address
        elif href.startswith("#"):
            final, hint = href, ""
            own = {h[1] for h in headings} | self.views.template_ids
            message = "" if unquote(href[1:]) in own else f"broken link '{href}': no anchor '{href}' on this page"
            hint = closest(unquote(href[1:]), {h[1] for h in headings}) if message else ""
        else:
            config = self.views.site.config
            page = self.views.site.item_page(_key_of(text), text.lang)  # where the text was written
            here = config.base_path + (page.url if page else "")
            path = own_path(href, (config.base_url, *config.known_base_urls), config.base_path, here)
            if path is None:
                return  # another site (https:, mailto:): not ours to check offline
            final = href
            message, hint = self._address(href, path)
        self.views.checked_links.add(final)
        if message:  # an anchor depends on the page's language; an unknown id or page does not
            self.views.problems.add(
                text.path,
                found.line,
                message + (fallback if "no anchor" in message else ""),
                hint,
                found.column,
                code="link",
            )

    def _address(self, href: str, path: str) -> tuple[str, str]:
        """(problem, hint) of an address of this site typed by hand (`path`: where it leads): one that leads
        to an item's page is refused for its id form, which follows the language and a change of slug or
        address; one that leads nowhere gets the closest ids. A list page or a static file has no id."""
        site = self.views.site
        if self.views.targets is None:
            return "", ""
        message, target, anchor = self.views.targets.resolve(path)
        if message and not path.startswith(site.config.base_path):  # `/fr/...`: the base path left out
            retry = self.views.targets.resolve(site.config.base_path + path.lstrip("/"))
            message, target, anchor = retry if not retry[0] else (message, target, anchor)
        if message:
            ids = closest_ids(path, site.model)
            hint = f"the closest ids: {', '.join(ids)}; write the link as [text]({ids[0]})" if ids else LINK_HINT
            return (f"broken link '{href}': no such page" if "no such page" in message else message), hint
        page = site.by_path.get(target)
        if page is None and target.startswith("static/") and target[7:] in self.views.static:
            return (  # breaks on every other base path: the static: form never does
                f"link typed as the address of a static file of this site '{href}'",
                f"write it as [text](static:{target[7:]}): the site adds its base path",
            )
        if page is None or page.item is None:
            return "", ""
        item = site.model.items[page.item]
        if anchor:
            anchors = self.headings(item, site.text(item, page.lang).lang)
            if anchor not in anchors and anchor not in self.views.template_ids:
                return f"broken link '{href}': no anchor '#{anchor}' on that page", closest(anchor, anchors)
        form = f"{COLLECTIONS[page.item[0]].ref}:{page.item[1]}" + (f"#{anchor}" if anchor else "")
        return (
            f"link typed as the address of a page of this site '{href}'",
            f"use [{site.text(item, page.lang).title}]({form}): an id link follows the language and survives a "
            "change of slug or address",
        )

    def _ref(self, found: BodyLink, page_lang: str, text_lang: str) -> tuple[str, str, str]:
        """(problem or "", hint, the address it becomes) of an id link, its anchor checked against the target
        page's headings and the templates' ids; the anchors offered are those of the target in the language
        the link was written in, the same on every page showing the text."""
        kind, _, rest = found.href.partition(":")
        item_id, _, anchor = rest.partition("#")
        collection = REF_KINDS[kind]
        url = self.views.ref_url(kind, item_id, page_lang)
        draft = self.views.site.unpublished.get((collection, item_id))
        if url is None and draft is not None:
            return (
                f"link to '{kind}:{item_id}', a draft that is not published",
                draft_hint(draft, "or write the name as plain text until it is"),
                "",
            )
        if url is None:
            known = [key[1] for key in self.views.site.model.items if key[0] == collection]
            hint = did_you_mean(item_id, known) if known else ""
            return (
                f"link to unknown item '{kind}:{item_id}'",
                hint
                if hint.startswith("did you mean")
                else "links between items are written [text](partner:id), (action:id) or (page:id)",
                "",
            )
        final = url + (f"#{anchor}" if anchor else "")
        if not anchor or not COLLECTIONS[collection].has_pages:
            return "", "", final
        target = self.views.site.model.items[(collection, item_id)]
        anchors = self.headings(target, self.views.site.text(target, page_lang).lang)
        if unquote(anchor) in anchors or unquote(anchor) in self.views.template_ids:
            return "", "", final
        offered = self.headings(target, self.views.site.text(target, text_lang).lang)
        return f"broken link '{found.href}': no anchor '#{anchor}' on that page", closest(anchor, offered), final

    def _warn_draft(self, text: Text, found: BodyLink) -> None:
        """In the preview, where drafts are shown: a published text's link to a draft is a warning (a build
        refuses it, see `_ref`)."""
        kind, _, rest = found.href.partition(":")
        target = self.views.site.model.items.get((REF_KINDS[kind], rest.partition("#")[0]))
        source = self.views.site.model.items.get(_key_of(text))
        if target is None or source is None or not is_draft(target) or is_draft(source):
            return
        self.views.problems.add(
            text.path,
            found.line,
            f"link to '{kind}:{target.id}', a draft that is not published",
            draft_hint(target, "or write the name as plain text until it is"),
            found.column,
            severity=WARNING,
            code="draft-link",
        )

    def headings(self, item: Item, text_lang: str) -> frozenset[str]:
        """The anchors of an item's page showing its `text_lang` text: its headings' and, on a translation,
        its source's too (views.py keeps them there, so a link written in the source works on every page)."""
        found = {h[1] for h in self._converted_headings(item, text_lang)}
        default = self.views.site.config.default_language
        if text_lang != default and default in item.texts:
            found |= {h[1] for h in self.source_headings(item)}
        return frozenset(found)

    def source_headings(self, item: Item) -> tuple[Heading, ...]:
        """The headings of the item's default-language text, in order."""
        return self._converted_headings(item, self.views.site.config.default_language)

    def remember(self, item: Item, text_lang: str, converted: Converted) -> Converted:
        """A body the views just converted, whose headings a translation's page asks for next (its source's,
        for its anchors): not converted a second time for them."""
        self._headings.setdefault((item.key, text_lang), converted.headings)
        return converted

    def _converted_headings(self, item: Item, text_lang: str) -> tuple[Heading, ...]:
        """From the Markdown pass alone: no links checked."""
        self.views._read_body(item.key, text_lang)
        key = (item.key, text_lang)
        if key not in self._headings:
            try:
                self._headings[key] = self.views.markdown.convert(item.texts[text_lang].body, text_lang).headings
            except Exception:  # reported where that body itself is converted
                self._headings[key] = ()
        return self._headings[key]
