"""The social cards a build writes (render/cards.py draws them): kept in `.cache/cards/` by their key, so that
a warm build draws none, and drawn by forked processes when there are many to draw.

A card's key is a digest of what it shows and of how it is drawn (the drawing code, the font, Pillow's
version), so a cached file is never stale. Measured on the real site (116 pages, 87 cards): a card costs
11 to 13 ms of CPU, so a clean build spends about 1 s on them in one process, a warm one 10 ms reading them
back; from DRAW_FORKED_FROM cards they are shared by one process per core. A cache can only cost time: a
folder that cannot be read or written means drawing again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from mecasite.build.processes import CAN_FORK, fork_pool
from mecasite.render.cards import Card, draw_card

DRAW_FORKED_FROM = 32  # cards to draw; below this, forking costs about what it saves


class CardStore:
    """The cards' files by output path, from the cache or drawn (`draw`: injected by tests to count)."""

    def __init__(self, folder: Path, read_only: bool = False, draw: Callable[[Card], bytes] = draw_card):
        self.folder, self.read_only, self.draw = folder, read_only, draw
        self.drawn = 0  # cards drawn by this store, in this process or its helpers
        self.used: set[str] = set()  # the keys of every card asked for, for `prune`

    def files(self, cards: Mapping[str, Card], jobs: int | None = None) -> dict[str, bytes]:
        """The bytes of each card, by output path; those not in the cache are drawn and kept."""
        found: dict[str, bytes] = {}
        missing: list[tuple[str, Card]] = []
        for path, card in sorted(cards.items()):
            self.used.add(card.key)
            data = self._read(card.key)
            if data is None:
                missing.append((path, card))
            else:
                found[path] = data
        for (path, card), data in zip(missing, self._draw_all([c for _, c in missing], jobs), strict=True):
            found[path] = data
            self._save(card.key, data)
        self.drawn += len(missing)
        return found

    def _draw_all(self, cards: list[Card], jobs: int | None) -> list[bytes]:
        jobs = jobs or os.cpu_count() or 1
        if jobs > 1 and CAN_FORK and len(cards) >= DRAW_FORKED_FROM:
            with fork_pool(jobs, "card") as pool:
                return list(pool.map(self.draw, cards, chunksize=max(1, len(cards) // (jobs * 4))))
        return [self.draw(card) for card in cards]

    def _file(self, key: str) -> Path:
        return self.folder / f"{key}.png"

    def _read(self, key: str) -> bytes | None:
        try:
            return self._file(key).read_bytes()
        except OSError:
            return None

    def _save(self, key: str, data: bytes) -> None:
        """Atomically (a build and the preview may share the cache)."""
        if self.read_only:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{key}.{os.getpid()}.tmp"
            temporary.write_bytes(data)
            os.replace(temporary, self._file(key))
        except OSError:
            pass

    def prune(self) -> None:
        """Remove the cached cards no page asked for in this build (after a full build only)."""
        if self.read_only:
            return
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            if entry.name.endswith(".png") and entry.name.removesuffix(".png") not in self.used:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
