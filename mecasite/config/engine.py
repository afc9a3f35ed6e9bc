"""The engine key: one digest of everything besides the site's own files that changes what a build writes.

Python (version and implementation), the name and version of every distribution installed where Python looks
for modules, the engine's own source files, and the Jinja environment's options. The build manifest,
the Markdown cache and the compiled-template cache are all keyed by it, so they cannot disagree: upgrading
Jinja, Python-Markdown, nh3, Babel or PyYAML, adding a dependency, or editing the engine makes every one of
them start afresh; so does installing or upgrading any other package (rare, and never wrong). The versions are
read from the `*.dist-info` folder names, not through `importlib.metadata`, whose import and per-requirement
search cost some 40 ms on every run. Computed once per process (a few milliseconds).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1]  # the whole mecasite package

# The options of every Jinja environment the engine makes (render/renderer.py builds its environment from these, and
# nothing else): they change what templates compile to, which Jinja's own bytecode check does not look at.
JINJA_OPTIONS: dict[str, Any] = {
    "autoescape": True,
    # By name: the key is computed before Jinja is imported (a warm build never is). The renderer uses its
    # subclass, render/environment.py `Undefined` (the same rule, clearer messages), whose code is in the key.
    "undefined": "StrictUndefined",
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    # A renderer lives for one build (the preview makes a new one when a template changes): no need to look at
    # every template file again for every page.
    "auto_reload": False,
}

# `name-version.dist-info` (wheels, editable installs) or `name-version[-pyX.Y].egg-info` (old setuptools).
_INSTALLED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._]*?)-([0-9][^-]*?)(?:-py[0-9.]+)?\.(?:dist|egg)-info$")


def _source_files() -> list[Path]:
    """The package's files that make the output: its code and its data (the map's shapes, the cards' font).
    Walked with os.walk, which skips `__pycache__` whole (a `Path.rglob` of the package, compiled files and
    all, was a few milliseconds of every build)."""
    found = []
    for folder, dirs, files in os.walk(PACKAGE):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [Path(folder, name) for name in files if name.endswith((".py", ".json", ".ttf"))]
    return sorted(p for p in found if p.is_file())


def _distributions() -> dict[str, str]:
    """name -> version of every distribution installed on `sys.path`: the engine's requirements, theirs
    (Jinja's MarkupSafe...) and the rest, read from the names of their metadata folders."""
    found: dict[str, str] = {}
    for entry in dict.fromkeys(sys.path):
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, a folder that is gone
            continue
        for name in names:
            match = _INSTALLED.match(name)
            if match:
                found.setdefault(re.sub(r"[-_.]+", "-", match.group(1)).lower(), match.group(2))
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
        "distributions": _distributions(),
        "jinja": describe_options(JINJA_OPTIONS),
        "source": digest.hexdigest(),
    }


def distributions() -> Mapping[str, str]:
    """name -> version of every installed distribution, as the engine key has them: for a version needed
    without importing its package (Pillow's, the cards' key) or `importlib.metadata` (Pagefind's)."""
    found = engine_description()["distributions"]
    assert isinstance(found, dict)
    return found


def key_of(description: Mapping[str, object]) -> str:
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def engine_key() -> str:
    """The digest of what besides the site's files decides the output."""
    return key_of(engine_description())
