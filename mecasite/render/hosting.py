"""Files that static hosts read, so the output folder works as-is wherever it is uploaded. Pure: no I/O.

- `_redirects` (Netlify, Cloudflare Pages): the visitor's language at the root (Netlify's `Language=`
  condition; elsewhere the root page's links and script do it), per-language 404 pages, and permanent
  redirects from renamed pages' old addresses and from deleted items' (to their section).
- `_headers` (Netlify, Cloudflare Pages): long caching for fingerprinted static files, media and the search
  index's chunks (Pagefind names them after their contents), safe defaults.
- `.nojekyll` (GitHub Pages): serve the folder as it is.
- `robots.txt` only for a site served at the root of its host (`serves_robots`); otherwise the build prints
  the `Sitemap:` line for the host's own (`robots_note`).
- `404.html` at the root (GitHub Pages, GitLab Pages, S3 and nginx use one 404 page for the whole site) is
  rendered from a template by the renderer; the README gives the nginx rules.
"""

from __future__ import annotations

from collections.abc import Callable

from mecasite.render.views import Views
from mecasite.site.resolve import Site

HEADERS = """\
# Netlify and Cloudflare Pages read this file; other hosts ignore it.
{base}*
  X-Content-Type-Options: nosniff
  Referrer-Policy: strict-origin-when-cross-origin
  X-Frame-Options: SAMEORIGIN
{base}static/*
  Cache-Control: public, max-age=31536000, immutable
{base}media/*
  Cache-Control: public, max-age=31536000, immutable
{base}pagefind/index/*
  Cache-Control: public, max-age=31536000, immutable
{base}pagefind/fragment/*
  Cache-Control: public, max-age=31536000, immutable
"""


def redirects_file(site: Site, views: Views) -> str:
    """Netlify/Cloudflare `_redirects`: rules are tried in order; a rule never hides an existing file."""
    config, base = site.config, site.config.base_path
    lines = [
        "# Netlify and Cloudflare Pages read this file; other hosts ignore it.",
        "# Renamed pages: their old addresses (old_slugs) lead to the current ones; deleted ones, to their section.",
    ]
    for page in site.redirects:
        lines.append(f"{base}{page.url}  {views.url(site.redirect_target(page))}  301")
    lines.append(
        "# The root sends each visitor to the first of their browser's languages that the site has "
        "(Netlify); elsewhere the root page does it."
    )
    for code in config.codes:
        if code != config.default_language:
            lines.append(f"{base}  {base}{code}/  302!  Language={code}")
    lines.append("# Pages that do not exist: the 404 page in the visitor's language.")
    for code in config.codes:
        lines.append(f"{base}{code}/*  {base}{code}/404.html  404")
    lines.append(f"{base}*  {base}404.html  404")
    return "\n".join(lines) + "\n"


def serves_robots(base_path: str) -> bool:
    """Crawlers read `robots.txt` only at the root of a host: below a path (`/international/robots.txt`) it
    would be ignored, so the build writes it only for a site served at `/`."""
    return base_path == "/"


def robots_note(base_url: str, base_path: str) -> str | None:
    """What the build prints when it cannot write `robots.txt` itself: the line the host's own needs."""
    if serves_robots(base_path):
        return None
    return (
        f"robots.txt: the site is served below {base_path}, where crawlers do not read robots.txt; "
        f"add this line to the robots.txt at the root of the host:\nSitemap: {base_url}sitemap.xml"
    )


def headers_file(site: Site) -> str:
    return HEADERS.format(base=site.config.base_path)


# Each host file by name, made from the site (and its views, for URLs).
HOST_FILES: dict[str, Callable[[Site, Views], str]] = {
    "_redirects": redirects_file,
    "_headers": lambda site, views: headers_file(site),
    ".nojekyll": lambda site, views: "",
}
