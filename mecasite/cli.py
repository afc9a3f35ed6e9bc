"""The command line (`python build.py ...`): parses arguments, runs the builder, prints problems.

Exit codes: 0 success, 1 content errors, 2 wrong usage (argparse's own, and an output folder that must not be
replaced). Tracebacks only with --debug.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mecasite.build import history
from mecasite.build.output_folder import RefusedOutput
from mecasite.build.uptodate import check_build
from mecasite.config.settings import SiteConfig, load_config
from mecasite.content.schemas import COLLECTIONS
from mecasite.problems import WARNING, Collector, ContentError, Problem

if TYPE_CHECKING:
    from mecasite.content.model import Model

# The rest is imported by the commands that need it: a build with nothing to do (and `--help`) then costs
# the start-up and two walks, not the import of the templates, Markdown, images and rendering.

DESCRIPTION = """\
Build the MecaTech Cluster's international pages: a multilingual static site made from the YAML and
Markdown files in content/, the Jinja templates in templates/ and site_config.yaml."""


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION)
    main.add_argument("--debug", action="store_true", help="show Python tracebacks (for developers)")
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=Path("site_config.yaml"),
        metavar="FILE",
        help="the site configuration (default: site_config.yaml)",
    )
    common.add_argument(
        "--base-url",
        metavar="URL",
        help="the address the site is published at "
        "(default: base_url in the config), e.g. https://example.org/international/",
    )
    b = sub.add_parser(
        "build",
        parents=[common],
        help="build the site into the output folder",
        description="Build every page in every language, then replace the output folder in one "
        "swap. A failed build leaves the previous output untouched.",
    )
    b.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: output_dir in the config)")
    b.add_argument("--force", action="store_true", help="rebuild even if nothing changed since the last build")
    b.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes rendering pages (default: one per CPU core on large sites, one on small ones)",
    )
    c = sub.add_parser(
        "check",
        parents=[common],
        help="validate content and links without writing anything",
        description="Run the whole build without writing: schema, references, translations, "
        "interface strings, signatures, internal links and anchors. Exit 1 on errors.",
    )
    c.add_argument("--strict", action="store_true", help="fail on warnings too (e.g. missing translations)")
    c.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    s = sub.add_parser(
        "serve",
        parents=[common],
        help="preview the site with live reload",
        description="Build into a preview folder, serve it and rebuild on every change; the "
        "browser reloads by itself. Errors are shown and the last good pages stay served.",
    )
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    r = sub.add_parser(
        "translations",
        parents=[common],
        help="report the state of every translation",
        description="Print a table of every item x language (up to date, outdated, fallback, "
        "missing) and write it as JSON and as an HTML dashboard (not published).",
    )
    r.add_argument(
        "--report-dir",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="where to write translations.json and translations.html (default: reports)",
    )
    tr = sub.add_parser(
        "translate",
        parents=[common],
        help="create a translation file, or mark one up to date",
        description="Create the translation of ITEM into --to LANG, with the texts to translate "
        "marked TODO(translate) and the version of the original recorded. With --refresh, "
        "record that an existing translation matches the current original.",
    )
    tr.add_argument("item", metavar="ITEM", help="the item: actions/intermat, partners/materalia, or just its id")
    tr.add_argument("--to", required=True, metavar="LANG", help="the language code of the translation, e.g. nl")
    tr.add_argument("--refresh", action="store_true", help="mark the existing translation as up to date")
    n = sub.add_parser(
        "new",
        parents=[common],
        help="create a new action, partner, testimonial or page",
        description="Create content/<collection>/NAME/ with its item.yaml and default-language "
        "file, the fields to fill explained in comments and marked TODO(write).",
    )
    n.add_argument("kind", choices=sorted(c.ref for c in COLLECTIONS.values()), help="what to create")
    n.add_argument("name", metavar="NAME", help="the new item's id: lowercase a-z, digits and hyphens")
    n.add_argument("--country", metavar="CODE", help="for a partner: its ISO country code, e.g. FR")
    n.add_argument("--partner", metavar="ID", help="for a testimonial: the partner who speaks (default: NAME)")
    mv = sub.add_parser(
        "rename",
        parents=[common],
        help="change an item's id, or one language's slug",
        description="With NEW_ID: move the item's folder (git mv in a git checkout) and make every reference and "
        "id link follow. With --slug LANG NEW: change that language's slug and keep the old address "
        "(old_slugs). Says what it changed; review it with git diff.",
    )
    mv.add_argument("item", metavar="ITEM", help="the item: partners/materalia, or just its id")
    mv.add_argument("new_id", nargs="?", metavar="NEW_ID", help="its new id, e.g. partners/materalia-cluster")
    mv.add_argument("--slug", nargs=2, metavar=("LANG", "NEW"), help="change the slug of one language instead")
    rm = sub.add_parser(
        "delete",
        parents=[common],
        help="delete an item, once nothing refers to it",
        description="List every reference to the item and refuse while any remains; with --unlink, turn its "
        "links into plain text and take it out of other items' lists. Its old addresses lead to its section.",
    )
    rm.add_argument("item", metavar="ITEM", help="the item: actions/vitamin, or just its id")
    rm.add_argument("--unlink", action="store_true", help="make links to it plain text, remove it from lists")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        config = load_config(args.config).with_overrides(base_url=args.base_url, out=getattr(args, "out", None))
        commands = {
            "build": cmd_build,
            "check": cmd_check,
            "serve": cmd_serve,
            "translations": cmd_translations,
            "translate": cmd_translate,
            "new": cmd_new,
            "rename": cmd_rename,
            "delete": cmd_delete,
        }
        return commands[args.command](config, args)
    except ContentError as exc:
        report(exc.problems)
        return 1
    except RefusedOutput as exc:  # a wrong output folder is wrong usage: nothing was read or written
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bug or an OS error, not a content mistake: say so, trace only on request
        if args.debug:
            raise
        what = f"file not found: {exc.filename}" if isinstance(exc, FileNotFoundError) else repr(exc)
        print(f"error: {what} (run with --debug for the details)", file=sys.stderr)
        return 1


def report(problems: Sequence[Problem], stream: TextIO | None = None, max_warnings: int | None = None) -> None:
    """Every problem on its own line, then a count: what an editor reads.

    `max_warnings` keeps a build's output short: the errors always, the first warnings, then a pointer to
    `check`, which lists them all.
    """
    stream = stream or sys.stderr
    shown_warnings = 0
    for problem in sorted(problems, key=lambda p: (p.severity != "error", p)):
        if problem.severity == WARNING:
            shown_warnings += 1
            if max_warnings is not None and shown_warnings > max_warnings:
                continue
        print(problem.format(), file=stream)
    hidden = shown_warnings - max_warnings if max_warnings is not None and shown_warnings > max_warnings else 0
    if hidden:
        print(f"... and {hidden} more warnings: python build.py check lists them all", file=stream)
    errors = sum(p.severity != WARNING for p in problems)
    warnings = len(problems) - errors
    if problems:
        print(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", file=stream)


def cmd_build(config: SiteConfig, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    checked = check_build(config, args.force, meanwhile=_import_pipeline)
    if checked.up_to_date:
        from mecasite.build.manifest import saved_problems

        report(saved_problems(config), max_warnings=10)
        print(f"nothing changed since the last build: {config.output_dir} is up to date (--force rebuilds it)")
        return 0
    history.start_for_texts(config, checked.inputs.listing)  # git walks its history while the build goes on
    from mecasite.build.pipeline import build
    from mecasite.render.hosting import robots_note

    try:
        result = build(config, jobs=args.jobs, force=args.force, checked=checked)
    finally:
        history.forget()  # a build stopped before it asked for the dates
    report(result.problems, max_warnings=10)
    pages = sum(page.kind != "redirect" for page in result.site.pages) if result.site else 0
    print(
        f"built {pages} pages ({result.written} files) in {config.output_dir} in {time.perf_counter() - started:.2f} s"
    )
    note = robots_note(config.base_url, config.base_path)
    if note:
        print(note)
    return 0


def _import_pipeline() -> None:
    """The pipeline's modules, imported while a large site's output is walked beside (0.07 s of the wait)."""
    import mecasite.build.pipeline  # noqa: F401


def cmd_check(config: SiteConfig, args: argparse.Namespace) -> int:
    from mecasite.build.pipeline import check_site

    try:
        problems = check_site(config)
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
    from mecasite.preview.server import serve

    return serve(config, args.host, args.port)


def load_model(config: SiteConfig) -> Model:
    """The content model alone (no rendering), for the editing commands; stops on content errors."""
    from mecasite.content.loader import load_content

    problems = Collector()
    model = load_content(config, problems)
    problems.raise_errors()
    return model


def cmd_translations(config: SiteConfig, args: argparse.Namespace) -> int:
    from mecasite.build.writer import write_file_atomic
    from mecasite.content.translations import all_states

    model = load_model(config)
    states = all_states(config, model)
    # Imported by the commands that use them: a build never needs them (the report compiles its template).
    from mecasite.commands.report import as_json, dashboard_for, drafts_of, table
    from mecasite.content.parity import check_parity

    parity = check_parity(config, model, Collector())
    drafts = drafts_of(model)
    print(table(config, states, drafts), end="")
    folder = args.report_dir if args.report_dir.is_absolute() else config.root / args.report_dir
    write_file_atomic(folder / "translations.json", as_json(config, states, parity, drafts).encode())
    write_file_atomic(
        folder / "translations.html", dashboard_for(config, model, states, parity, folder, drafts).encode()
    )
    print(f"report written to {folder / 'translations.html'} and translations.json")
    return 0


def cmd_translate(config: SiteConfig, args: argparse.Namespace) -> int:
    from mecasite.commands.scaffold import translate

    print(translate(config, load_model(config), args.item, args.to, args.refresh).message)
    return 0


def cmd_new(config: SiteConfig, args: argparse.Namespace) -> int:
    from mecasite.commands.scaffold import new_item

    print(new_item(config, load_model(config), args.kind, args.name, args.country, args.partner).message)
    return 0


def cmd_rename(config: SiteConfig, args: argparse.Namespace) -> int:
    if (args.new_id is None) == (args.slug is None):
        print("build.py rename: give either NEW_ID or --slug LANG NEW", file=sys.stderr)
        return 2
    from mecasite.commands.rename import rename_id, rename_slug

    model = load_model(config)
    done = (
        rename_slug(config, model, args.item, *args.slug)
        if args.slug
        else rename_id(config, model, args.item, args.new_id)
    )
    print("\n".join(done.lines))
    return 0


def cmd_delete(config: SiteConfig, args: argparse.Namespace) -> int:
    from mecasite.commands.delete import delete_item

    print("\n".join(delete_item(config, load_model(config), args.item, args.unlink).lines))
    return 0
