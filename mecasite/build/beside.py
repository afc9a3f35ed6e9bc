"""A value computed by a forked process while the build goes on: the walks of the output folder and of its
spare (ten thousand files each on a large site) run on the second core while this one walks the content.

`Beside(function, *args)` forks at once; `result()` returns what the function returned, or raises what it
raised, as if called here. The helper only walks and reads (it writes nothing) and sends its answer back
pickled through a pipe, which a thread of this process drains, so the helper never waits for a reader and
never outlives its answer. Where there is no fork (macOS, Windows), below a size where forking costs more than
it saves, or when the helper dies, the function runs here instead: the answer is the same, only later.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from mecasite.build.processes import CAN_FORK, die_with_parent

T = TypeVar("T")


class Beside(Generic[T]):
    def __init__(self, function: Callable[..., T], *args: Any, fork: bool = True):
        self._function, self._args = function, args
        self._data = b""
        self._thread: threading.Thread | None = None
        if not (fork and CAN_FORK):
            return
        parent = os.getpid()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper: answer, then leave without running anything of the parent's
            os.close(read)
            die_with_parent(parent)
            try:
                data = pickle.dumps((True, function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # raised here as it would have been there
                try:
                    data = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:
                    data = b""
            try:
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
            finally:
                os._exit(0)
        os.close(write)
        self._thread = threading.Thread(target=self._drain, args=(read, pid), daemon=True)
        self._thread.start()

    def _drain(self, read: int, pid: int) -> None:
        with os.fdopen(read, "rb") as pipe:
            self._data = pipe.read()
        os.waitpid(pid, 0)

    def result(self) -> T:
        if self._thread is not None:
            self._thread.join()
            try:
                done, value = pickle.loads(self._data)
            except Exception:  # the helper died before answering (or could not pickle what it raised)
                done, value = True, self._function(*self._args)
            if not done:
                raise value
            return value  # type: ignore[no-any-return]
        return self._function(*self._args)
