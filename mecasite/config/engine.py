"""The engine key: one digest of everything besides the site's own files that changes what a build writes.

Python (version and implementation), the version of every installed distribution the engine requires (and of
what those require), the engine's own source files, and the Jinja environment's options. The build manifest,
the Markdown cache and the compiled-template cache are all keyed by it, so they cannot disagree: upgrading
Jinja, Python-Markdown, nh3, Babel or PyYAML, adding a dependency, or editing the engine makes every one of
them start afresh. Computed once per process (about a millisecond).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2

PACKAGE = Path(__file__).resolve().parents[1]  # the whole mecasite package

# The options of every Jinja environment the engine makes (render/renderer.py builds its environment from these, and
# nothing else): they change what templates compile to, which Jinja's own bytecode check does not look at.
JINJA_OPTIONS: dict[str, Any] = {
    "autoescape": True,
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    # A renderer lives for one build (the preview makes a new one when a template changes): no need to look at
    # every template file again for every page.
    "auto_reload": False,
}

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _source_files() -> list[Path]:
    """The package's files that make the output: its code and its data (the map's shapes, the cards' font)."""
    return sorted(
        p
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".json", ".ttf")
    )


def _declared() -> list[str]:
    """The engine's requirements: from pyproject.toml beside the package in a checkout (the truth while it is
    edited), else from the installed package's metadata. Optional ones (tests, benchmark) are left out."""
    try:
        with open(PACKAGE.parent / "pyproject.toml", "rb") as file:
            return list(tomllib.load(file)["project"]["dependencies"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        pass
    try:
        return [r for r in metadata.requires(PACKAGE.name) or () if "extra" not in r.partition(";")[2]]
    except metadata.PackageNotFoundError:
        return []


def _distributions(requirements: list[str]) -> dict[str, str]:
    """name -> installed version of each requirement and of theirs, transitively (Jinja's MarkupSafe...)."""
    todo = list(requirements)
    found: dict[str, str] = {}
    while todo:
        spec, _, marker = todo.pop().partition(";")
        match = _REQUIREMENT.match(spec)
        if not match or "extra" in marker:
            continue
        key = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        if key in found:
            continue
        try:
            dist = metadata.distribution(key)
        except metadata.PackageNotFoundError:
            found[key] = "missing"
            continue
        found[key] = dist.version or ""
        todo.extend(dist.requires or ())
    return dict(sorted(found.items()))


def describe_options(options: Mapping[str, object]) -> dict[str, str]:
    """Jinja options as stable text (classes by their qualified name)."""

    def text(value: object) -> str:
        if isinstance(value, type):
            return f"{value.__module__}.{value.__qualname__}"
        return repr(value)

    return {name: text(value) for name, value in sorted(options.items())}


@lru_cache(maxsize=1)
def engine_description() -> dict[str, object]:
    """What the key is made of (see the module's docstring): also for a person wondering why a build did not
    skip."""
    files = _source_files()
    digest = hashlib.sha256()
    for path in files:
        data = path.read_bytes()
        digest.update(f"{path.relative_to(PACKAGE).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return {
        "python": [sys.implementation.name, list(sys.version_info), sys.version],
        "distributions": _distributions(_declared()),
        "jinja": describe_options(JINJA_OPTIONS),
        "source": digest.hexdigest(),
    }


def key_of(description: Mapping[str, object]) -> str:
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def engine_key() -> str:
    """The digest of what besides the site's files decides the output."""
    return key_of(engine_description())
