"""The package's plan, enforced: each stage imports only from the stages below it, and says what it does.

The order is the pipeline's (ARCHITECTURE.md draws it): problems, then reading sources, config, the content
model, Markdown, the resolved site, rendering, the build; the preview and the commands sit beside the build and
call it; the command line is on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sitekit import REPO

PACKAGE = REPO / "mecasite"
LAYERS = ["problems", "sources", "config", "content", "markdown", "site", "render", "build", "preview commands", "cli"]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names.split()}
STDLIB_SHADOWS = {
    "collections",
    "types",
    "typing",
    "string",
    "io",
    "json",
    "html",
    "email",
    "site",
    "signal",
    "logging",
    "parser",
    "token",
    "select",
    "queue",
    "markdown",
}


def stage_of(module: str) -> str:
    """`mecasite.render.views` -> `render`; `mecasite.cli` -> `cli`."""
    return module.split(".")[1]


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(path: Path) -> set[str]:
    """Every mecasite module a file imports, at any depth of the file (imports inside functions count)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mecasite"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules())
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; write the absolute one (from mecasite.x.y import ...)")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("mecasite"))
    return found


def test_every_module_belongs_to_a_stage():
    for module in modules():
        if module != "mecasite":
            assert stage_of(module) in RANK, f"{module}: not in a known stage; add the stage to LAYERS"


@pytest.mark.parametrize("module", [m for m in modules() if m != "mecasite"])
def test_imports_go_only_down_the_stack(module):
    path, own = modules()[module], stage_of(module)
    upward = sorted(m for m in imports_of(path) if m != "mecasite" and RANK[stage_of(m)] > RANK[own])
    assert not upward, f"{module} ({own}) imports from a later stage: {upward}"


def test_each_stage_says_what_it_does_and_what_it_may_not():
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert len(doc.split()) >= 15 and ("may not" in doc.lower() or "never" in doc.lower()), (
            f"{init.relative_to(REPO)}: its docstring must say what the stage does and what it may not do"
        )


def test_no_module_shadows_the_standard_library():
    for path in PACKAGE.rglob("*.py"):
        assert path.stem not in STDLIB_SHADOWS, f"{path.relative_to(REPO)} shadows the standard library"


def test_modules_stay_small():
    """About 300 lines at most: a longer module is doing more than one job."""
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text().splitlines())
        assert lines <= 330, f"{path.relative_to(REPO)} has {lines} lines: split it by responsibility"
