"""The files beside the text, processed once: images by images.py (in forked processes on a clean build),
documents checked and copied; what rendering needs comes back as a `MediaTable` (render/media.py).

Each processed image is kept in `.cache/images/` under a key made of the file's content digest, the operation
(widths, formats, qualities) and Pillow's version: a warm build opens no image at all, it only reads back
the sizes and hands the writer the cached files. Output names carry that key, so hosts may cache them for a
year (`_headers`). `read_only` (`check`): the cache is read, never written. The preview processes again only
the files an edit saved, added or removed (`update_media`), first as drafts (`quick`: the original's format
alone, encoded fast, never cached), then in full in the background (`finish_drafts`). images.py, and Pillow
with it, is imported only when there is an image: a site without any never loads them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from mecasite.build.processes import CAN_FORK, fork_pool
from mecasite.config.settings import SiteConfig
from mecasite.content.attachments import is_image
from mecasite.content.model import ItemKey, Model
from mecasite.problems import Collector
from mecasite.render.media import Document, MediaTable, Picture, Variant

if TYPE_CHECKING:
    from mecasite.build.images import ImageError, Made

MAX_DOCUMENT_BYTES = 50_000_000
# A document's first bytes, by extension: a file that is not what its name says is refused.
MAGIC = {".pdf": b"%PDF-", **{ext: b"PK\x03\x04" for ext in (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp")}}
EXT = {"jpeg": "jpg", "avif": "avif", "webp": "webp", "png": "png", "svg": "svg"}
PARALLEL_FROM = 2  # images to process; one is done faster in this process


class OutputFiles(Mapping[str, bytes]):
    """The files to publish, by output path: read from the cache (or the content folder) only when the writer
    asks, one at a time, so that a site with hundreds of photos never holds them all in memory."""

    def __init__(self) -> None:
        self.sources: dict[str, Path | bytes] = {}

    def __getitem__(self, path: str) -> bytes:
        source = self.sources[path]
        return source if isinstance(source, bytes) else source.read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.sources))

    def __len__(self) -> int:
        return len(self.sources)


@dataclass(frozen=True)
class Media:
    table: MediaTable  # source path -> what rendering shows
    files: OutputFiles
    processed: int  # images opened with Pillow by this build (0 when warm)
    drafts: frozenset[str] = frozenset()  # source paths published as the preview's quick drafts, not yet in full


def _stem(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.rpartition(".")[0].lower()).strip("-") or "file"


def _key(data: bytes) -> str:
    from mecasite.build import images

    return hashlib.sha256(hashlib.sha256(data).digest() + images.OPERATION.encode()).hexdigest()[:20]


Task = tuple[str, str, bytes, str, bool, bool]  # source path, name, bytes, cache folder, keep, quick


def _work(task: Task) -> tuple[str, Made | ImageError]:
    """Process one image and keep its files in the cache (a draft never); the error instead, for the parent
    to report."""
    from mecasite.build import images

    rel, name, data, folder, keep, quick = task
    try:
        made = images.make_image(name, data, quick)
    except images.ImageError as exc:
        return rel, exc
    if keep and not made.draft:
        _store(Path(folder), _key(data), made)
    return rel, made


def _store(folder: Path, key: str, made: Made) -> None:
    """The files first, the record last (a record always has its files); a cache that cannot be written
    only costs time."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for width, fmt, data in made.files:
            _atomic(folder / f"{key}-{width}.{EXT[fmt]}", data)
        record = {"width": made.width, "height": made.height, "files": [[w, f] for w, f, _ in made.files]}
        _atomic(folder / f"{key}.json", json.dumps(record).encode())
    except OSError:
        pass


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _cached(folder: Path, key: str) -> tuple[int, int, list[tuple[int, str]]] | None:
    try:
        record = json.loads((folder / f"{key}.json").read_bytes())
        return record["width"], record["height"], [(int(w), str(f)) for w, f in record["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def process_media(
    config: SiteConfig, model: Model, problems: Collector, read_only: bool = False, jobs: int | None = None
) -> Media:
    """Every file beside the text, checked and made ready to publish; each problem at the file."""
    paths = sorted({rel for item in model.items.values() for rel in item.files.values()})
    return _process(config, paths, problems, read_only, jobs)


def update_media(
    config: SiteConfig,
    media: Media,
    model: Model,
    keys: Iterable[ItemKey],
    changed: Set[str],
    problems: Collector,
    quick: bool = False,
) -> Media:
    """`media` after files beside the texts of the items `keys` were saved, added or removed (`changed`: their
    project-relative paths), for the preview: those files processed again (through the cache: a file seen
    before opens no image), the entries of files gone dropped, every other entry kept. The result is what
    process_media makes of `model`."""
    folders = tuple(f"{config.rel(config.content_dir)}/{c}/{i}/" for c, i in keys)
    now = {rel for key in keys if key in model.items for rel in model.items[key].files.values()}
    kept = {
        rel: entry
        for rel, entry in media.table.items()
        if not rel.startswith(folders) or (rel in now and rel not in changed)
    }
    fresh = _process(config, sorted(now - kept.keys()), problems, quick=quick)
    files = OutputFiles()
    for entry in kept.values():
        for out in outputs(entry):
            files.sources[out] = media.files.sources[out]
    files.sources.update(fresh.files.sources)
    table = MappingProxyType(dict(sorted({**kept, **fresh.table}.items())))
    return Media(table, files, fresh.processed, (media.drafts & kept.keys()) | fresh.drafts)


def finish_drafts(config: SiteConfig, paths: Iterable[str]) -> None:
    """The images published as drafts (`paths`, project-relative) made in full into the cache, where the next
    update finds them; one that fails or changed meanwhile is left to that update, which reports it."""
    from mecasite.build import images

    folder = config.cache_dir / "images"
    for rel in paths:
        try:
            data = (config.root / rel).read_bytes()
        except OSError:
            continue
        if len(data) <= images.MAX_BYTES and _cached(folder, _key(data)) is None:
            _work((rel, rel.rpartition("/")[2], data, str(folder), True, False))


def published_files(old: Media | None, new: Media | None) -> tuple[set[str], set[str]]:
    """The media files published after an update, and those published before that are not any more."""
    if new is None or old is None:
        return set(), set()
    return set(new.files.sources), set(old.files.sources) - set(new.files.sources)


def finished_drafts(old: Media | None, new: Media) -> set[str]:
    """The files of the drafts in `old` that `new` has made in full: the same names, other bytes."""
    done = (old.drafts if old else frozenset()) - new.drafts
    return {path for rel in done if rel in new.table for path in outputs(new.table[rel])}


def outputs(entry: Picture | Document) -> list[str]:
    """The output paths published for one file."""
    return [entry.path] if isinstance(entry, Document) else [v.path for v in entry.variants]


def _process(
    config: SiteConfig,
    paths: list[str],
    problems: Collector,
    read_only: bool = False,
    jobs: int | None = None,
    quick: bool = False,
) -> Media:
    folder = config.cache_dir / "images"
    table: dict[str, Picture | Document] = {}
    files = OutputFiles()
    todo: list[Task] = []
    keys: dict[str, str] = {}
    for rel in paths:
        name = rel.rpartition("/")[2]
        try:
            data = (config.root / rel).read_bytes()
        except OSError as exc:
            problems.add(rel, 0, f"{name} cannot be read ({exc.strerror})", "check the file's permissions")
            continue
        if not is_image(name):
            _document(rel, name, data, config.root / rel, table, files, problems)
            continue
        from mecasite.build import images

        keys[rel] = key = _key(data)
        cached = None if len(data) > images.MAX_BYTES else _cached(folder, key)
        if cached is None:
            todo.append((rel, name, data, str(folder), not read_only, quick))
            continue
        width, height, made = cached
        table[rel] = _picture(rel, key, width, height, made)
        for w, fmt in made:
            files.sources[_out(rel, key, w, fmt)] = folder / f"{key}-{w}.{EXT[fmt]}"
    jobs = jobs or min(os.cpu_count() or 1, len(todo))
    if jobs > 1 and CAN_FORK and len(todo) >= PARALLEL_FROM:
        with fork_pool(jobs, "image") as pool:
            results = list(pool.map(_work, todo, chunksize=1))
    else:
        results = [_work(task) for task in todo]
    drafts = set()
    for rel, result in results:
        if isinstance(result, Exception):  # an ImageError
            problems.add(rel, 0, result.message, result.hint)
            continue
        if result.draft:
            drafts.add(rel)
        key = keys[rel]
        table[rel] = _picture(rel, key, result.width, result.height, [(w, f) for w, f, _ in result.files])
        for w, fmt, data in result.files:
            files.sources[_out(rel, key, w, fmt)] = (
                folder / f"{key}-{w}.{EXT[fmt]}" if not read_only and (folder / f"{key}.json").exists() else data
            )
    return Media(table, files, len(todo), frozenset(drafts))


def _out(rel: str, key: str, width: int, fmt: str) -> str:
    return f"media/{_stem(rel.rpartition('/')[2])}-{key[:10]}-{width}.{EXT[fmt]}"


def _picture(rel: str, key: str, width: int, height: int, made: list[tuple[int, str]]) -> Picture:
    return Picture(width, height, tuple(Variant(_out(rel, key, w, f), w, f) for w, f in made))


def _document(
    rel: str,
    name: str,
    data: bytes,
    source: Path,
    table: dict[str, Picture | Document],
    files: OutputFiles,
    problems: Collector,
) -> None:
    ext = "." + name.rpartition(".")[2].lower()
    if len(data) > MAX_DOCUMENT_BYTES:
        problems.add(
            rel,
            0,
            f"{name} is {len(data) / 1_000_000:.1f} MB, more than the {MAX_DOCUMENT_BYTES // 1_000_000} MB a "
            "document may be",
            "make it smaller (a PDF exported for the screen), or link to where it is published",
        )
        return
    if not data.startswith(MAGIC[ext]):
        problems.add(
            rel, 0, f"{name} is not a {ext[1:].upper()} file", "export it again, or give it its real extension"
        )
        return
    out = f"media/{_stem(name)}-{hashlib.sha256(data).hexdigest()[:10]}{ext}"
    files.sources[out] = source
    table[rel] = Document(out, len(data), ext[1:].upper())
