"""Process pools for the worker's CPU-bound stages (prompt screening, image analysis).

Two things every such pool needs, in one place: processes started by a fork server (a fork of a
process running faust's threads and torch can deadlock), and processes that exit when the worker
that owns them does, however it went. A pool process holds both ends of its own task queue, so
after a ``kill -9`` of its worker it would otherwise wait for ever, holding a copy of the models.
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

__all__ = ["process_pool"]


def process_pool(workers: int, initializer: Callable[..., None], initargs: tuple[object, ...] = ()) -> ProcessPoolExecutor:
    """``workers`` processes, each running ``initializer(*initargs)`` once, tied to this process."""
    return ProcessPoolExecutor(workers, mp_context=get_context("forkserver"), initializer=_start,
                               initargs=(os.getpid(), initializer, initargs))


def _start(owner: int, initializer: Callable[..., None], initargs: tuple[object, ...]) -> None:
    threading.Thread(target=_exit_with, args=(owner,), name="exit-with-owner", daemon=True).start()
    initializer(*initargs)


def _exit_with(owner: int) -> None:
    try:
        fd = os.pidfd_open(owner)
    except ProcessLookupError:
        os._exit(0)
    select.select([fd], [], [])  # readable once the owner has exited
    os._exit(0)
