"""Reading a large site's content in two processes: the speed machinery of loading, kept out of content/.

A forked process reads the first half of the item folders while this one reads the second; the model and the
problems come out exactly as one process would make them (same order). A helper that dies ends the build with
one line naming how (processes.py).
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from mecasite.build.processes import CAN_FORK, WorkerDied, fork_pool
from mecasite.config.settings import SiteConfig
from mecasite.content.loader import item_folders, load_items
from mecasite.content.model import Item, ItemKey, Model
from mecasite.content.redirects import load_gone
from mecasite.problems import Collector, Problem

PARALLEL_FROM = 1000  # item folders; below this, a second process costs more than it saves


def read_content(config: SiteConfig, problems: Collector) -> Model:
    """What `content.loader.load_content` gives, read in two processes on a large site."""
    folders = item_folders(config, problems)
    if len(folders) < PARALLEL_FROM or not CAN_FORK:
        return Model(MappingProxyType(load_items(config, folders, problems)), load_gone(config, problems))
    half = len(folders) // 2
    try:
        with fork_pool(1, "content-reading") as pool:
            first = pool.submit(_load_part, config, folders[:half])
            mine = Collector()
            second = load_items(config, folders[half:], mine)
            items, found = first.result()
    except WorkerDied as exc:  # half the items are missing: nothing after this would make sense
        problems.add(config.rel(config.content_dir), 0, f"{exc}; the previous output is untouched")
        problems.raise_errors()
    problems.extend(found)  # in the order a single process finds them
    problems.extend(mine.problems)
    items.update(second)
    return Model(MappingProxyType(items), load_gone(config, problems))


def _load_part(config: SiteConfig, folders: list[tuple[str, Path]]) -> tuple[dict[ItemKey, Item], list[Problem]]:
    """In the forked process: the items of `folders` and the problems met (sent back pickled)."""
    problems = Collector()
    return load_items(config, folders, problems), problems.problems
