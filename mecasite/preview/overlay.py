"""What the preview adds to pages, and only the preview: the translation bar, the error overlay, the marks
of drafts and of unfinished texts (a TODO mark highlighted where it shows, a draft's page bannered and every
link to a draft tagged "draft": its cards, lists and menus). Pure.

The published site never contains any of this: the preview server inserts it into each HTML response it
serves, from the last build's result. Everything an editor wrote is escaped here like in the templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from mecasite.content.drafts import is_draft
from mecasite.content.translations import MARK, state_of
from mecasite.problems import Collector, Problem
from mecasite.render.views import Views
from mecasite.site.resolve import Page, Site

STYLE = """<style>
#preview-bar{position:sticky;top:0;z-index:9998;display:flex;flex-wrap:wrap;gap:.25rem .9rem;align-items:center;
 padding:.35rem .8rem;background:#fff8d6;color:#1a1a1a;border-bottom:2px solid #c9a400;font:14px/1.4 system-ui,sans-serif}
#preview-bar a{color:#0b3d91}#preview-bar .state{font-weight:600}
#preview-bar .s-outdated,#preview-bar .s-fallback,#preview-bar .s-missing{color:#a00}
#preview-bar .draft{padding:0 .4rem;background:#a00;color:#fff;font-weight:700}
mark.preview-todo{background:#ffe066;color:#1a1a1a;outline:2px solid #c00;font-weight:700}
#preview-overlay{position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:9999;margin:0;padding:1rem 1.2rem;
 background:#2b0b0b;color:#fff;font:14px/1.5 ui-monospace,monospace;border-top:4px solid #ff5c5c}
#preview-overlay h2{margin:0 0 .5rem;font:600 16px/1.3 system-ui,sans-serif;color:#fff}
#preview-overlay li{margin:.2rem 0}#preview-overlay .hint{color:#ffd7a8}
</style>"""


@dataclass
class PreviewInfo:
    """What the preview knows from the last build: the site (for each page's bar), and the errors of a
    failed build. Bars are made per request: a site of ten thousand pages has no need of them all."""

    site: Site | None = None
    problems: tuple[Problem, ...] = ()
    _pages: dict[str, Page] | None = None  # URL -> page, made on the first request
    _draft_style: str | None = None

    def bar(self, url: str) -> str:
        if self.site is None:
            return ""
        if self._pages is None:
            base = self.site.config.base_path
            self._pages = {base + p.url: p for p in self.site.pages if p.kind != "redirect"}
        page = self._pages.get(url)
        return bar(self.site, page) if page else ""

    def draft_style(self) -> str:
        """A rule tagging every link to a draft's pages, made once per build."""
        if self._draft_style is None:
            self._draft_style = draft_style(self.site) if self.site else ""
        return self._draft_style


def draft_style(site: Site) -> str:
    """CSS tagging each link to a draft's page "draft" (its cards, the lists and menus that name it)."""
    base = site.config.base_path
    urls = sorted(
        base + page.url
        for page in site.pages
        if page.item and page.kind != "redirect" and is_draft(site.model.items[page.item])
    )
    if not urls:
        return ""
    selectors = ",".join(f'a[href="{escape(url)}"]::after' for url in urls)
    return (
        f'<style>{selectors}{{content:" draft";margin-left:.3em;padding:0 .3em;background:#a00;color:#fff;'
        "font:700 .75em/1.4 system-ui,sans-serif;text-transform:uppercase}</style>"
    )


_TAG = re.compile(r"(<[^>]*>)")
_RAW = re.compile(r"<(script|style|textarea|title)\b", re.IGNORECASE)


def highlight_marks(html: str) -> str:
    """Every TODO mark in the text of a page wrapped in <mark>, so that an unfinished text cannot be missed;
    attributes, scripts and styles are left as they are."""
    if "TODO(" not in html:
        return html
    out, raw = [], ""
    for part in _TAG.split(html):
        if part.startswith("<"):
            opening = _RAW.match(part)
            if opening and not raw:
                raw = opening.group(1).lower()
            elif raw and part.lower().startswith(f"</{raw}"):
                raw = ""
            out.append(part)
        else:
            out.append(part if raw else MARK.sub(r'<mark class="preview-todo">\g<0></mark>', part))
    return "".join(out)


def bar(site: Site, page: Page) -> str:
    """A page's translation state in its language and links to it in every language."""
    views = Views(site, _Silent())
    parts = ['<div id="preview-bar" role="region" aria-label="Preview">', "<span>Preview</span>"]
    if page.item:
        item = site.model.items[page.item]
        state = state_of(site.config, item, page.lang, dict(item.drafts))
        if is_draft(item):
            parts.append(
                f'<span class="draft">Draft</span> <span>not published: a build leaves this item out '
                f"(draft: true in {escape(item.path)})</span>"
            )
        parts.append(
            f'<span class="state s-{state.status.replace(" ", "-")}">{page.lang}: '
            f"{escape(state.status)}</span> <span>{escape(state.path)}</span>"
        )
    links = [
        f'<a href="{escape(a.url)}" hreflang="{a.lang}" lang="{a.lang}">{escape(a.name)}</a>'
        + ("" if a.translated else " (fallback)")
        for a in views.alternates(page)
        if not a.current
    ]
    parts.append("<span>" + " · ".join(links) + "</span>")
    parts.append(
        "<span>In the background after each edit (about a second): an image saved, first shown in its own "
        "format, is made in every format; the search index is made again</span></div>"
    )
    return "".join(parts)


def overlay(problems: Sequence[Problem]) -> str:
    """The failed build's messages, as in the terminal, over the last good page."""
    items = "".join(
        f"<li>{escape(p.location())}: {escape(p.message)}"
        + (f' <span class="hint">({escape(p.hint)})</span>' if p.hint else "")
        + "</li>"
        for p in problems
    )
    count = len(problems)
    return (
        f'<div id="preview-overlay" role="alert"><h2>The site could not be rebuilt: {count} '
        f"problem{'s' * (count != 1)}. The last good version is shown; fix the file and save.</h2>"
        f"<ul>{items}</ul></div>"
    )


def inject(html: bytes, url: str, info: PreviewInfo, reload_script: str) -> bytes:
    """The page with the reload script in its head and the bar and overlay at the top of its body."""
    text = html.decode("utf-8", errors="replace")
    head = STYLE + info.draft_style() + reload_script
    top = info.bar(url) + (overlay(info.problems) if info.problems else "")
    text = text.replace("</head>", head + "</head>", 1)
    start = text.find("<body")
    if start != -1:
        end = text.find(">", start) + 1
        text = text[:end] + top + highlight_marks(text[end:])
    return text.encode("utf-8")


class _Silent(Collector):
    """A problem sink for views used only to compute links (the build has reported everything already)."""

    def extend(self, problems: Iterable[Problem]) -> None:
        pass
