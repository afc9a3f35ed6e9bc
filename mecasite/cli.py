"""The command line (`python build.py ...`): parses arguments, runs the builder, prints problems.

Exit codes: 0 success, 1 content errors, 2 wrong usage (argparse's own). Tracebacks only with --debug.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from .builder import build, render_site
from .config import SiteConfig, load_config
from .problems import WARNING, ContentError, Problem

DESCRIPTION = """\
Build the MecaTech Cluster's international pages: a multilingual static site made from the YAML and
Markdown files in content/, the Jinja templates in templates/ and site_config.yaml."""


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION)
    main.add_argument("--debug", action="store_true", help="show Python tracebacks (for developers)")
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=Path("site_config.yaml"), metavar="FILE",
                        help="the site configuration (default: site_config.yaml)")
    common.add_argument("--base-url", metavar="URL", help="the address the site is published at "
                        "(default: base_url in the config), e.g. https://example.org/international/")
    b = sub.add_parser("build", parents=[common], help="build the site into the output folder",
                       description="Build every page in every language, then replace the output folder in one "
                       "swap. A failed build leaves the previous output untouched.")
    b.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: output_dir in the config)")
    c = sub.add_parser("check", parents=[common], help="validate content and links without writing anything",
                       description="Run the whole build without writing: schema, references, translations, "
                       "interface strings, signatures, internal links and anchors. Exit 1 on errors.")
    c.add_argument("--strict", action="store_true", help="fail on warnings too (e.g. missing translations)")
    c.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    s = sub.add_parser("serve", parents=[common], help="preview the site with live reload",
                       description="Build into a preview folder, serve it and rebuild on every change; the "
                       "browser reloads by itself. Errors are shown and the last good pages stay served.")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        config = load_config(args.config).with_overrides(base_url=args.base_url,
                                                         out=getattr(args, "out", None))
        return {"build": cmd_build, "check": cmd_check, "serve": cmd_serve}[args.command](config, args)
    except ContentError as exc:
        report(exc.problems)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug or an OS error, not a content mistake: say so, trace only on request
        if args.debug:
            raise
        what = f"file not found: {exc.filename}" if isinstance(exc, FileNotFoundError) else repr(exc)
        print(f"error: {what} (run with --debug for the details)", file=sys.stderr)
        return 1


def report(problems: Sequence[Problem], stream=None) -> None:
    """Every problem on its own line, then a count: what an editor reads."""
    stream = stream or sys.stderr
    for problem in sorted(problems, key=lambda p: (p.severity != "error", p)):
        print(problem.format(), file=stream)
    errors = sum(p.severity != WARNING for p in problems)
    warnings = len(problems) - errors
    if problems:
        print(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", file=stream)


def cmd_build(config: SiteConfig, args: argparse.Namespace) -> int:
    result = build(config)
    report(result.problems)
    pages = sum(path.endswith(".html") for path in result.files)
    print(f"built {pages} pages ({len(result.files)} files) in {config.output_dir}")
    return 0


def cmd_check(config: SiteConfig, args: argparse.Namespace) -> int:
    try:
        problems = render_site(config).problems
    except ContentError as exc:
        problems = exc.problems
    failed = any(p.severity != WARNING for p in problems) or (args.strict and bool(problems))
    if args.format == "json":
        print(json.dumps({"ok": not failed, "problems": [p.as_dict() for p in problems]}, indent=2))
    else:
        report(problems, sys.stdout)
        print("check failed" if failed else "check passed: no problems" if not problems else "check passed")
    return 1 if failed else 0


def cmd_serve(config: SiteConfig, args: argparse.Namespace) -> int:
    from .serve import serve
    return serve(config, args.host, args.port)
