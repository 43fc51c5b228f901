"""Spread independent weekly work over worker processes, results back in order.

The CPU-heavy part of a backfill (generating a source's weeks, classifying weeks) is pure Python,
so threads would not help; each week goes to a worker process instead. The parent keeps the
one DuckDB connection (the file has one writer) and writes each result as it arrives, in
week order, while the workers go on with the next weeks. At most `2 x workers` weeks are in
flight, so memory stays bounded by a few weeks whatever the range.

Workers are started with "spawn" (a fresh interpreter): the parent may hold threads (Dagster,
DuckDB) that a fork would copy in an undefined state. `AKIMS_WORKERS` sets how many; the
default is the number of CPUs the process may use. One item, or one worker, runs in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from assets.paths import SettingError

Item = TypeVar("Item")
Result = TypeVar("Result")


def worker_count(items: int | None = None) -> int:
    """How many worker processes to use: AKIMS_WORKERS, else the CPUs available, at most `items`."""
    raw = os.environ.get("AKIMS_WORKERS", "").strip()
    if raw:
        try:
            wanted = int(raw)
        except ValueError:
            raise SettingError(f"AKIMS_WORKERS must be a whole number >= 1, got {raw!r}") from None
        if wanted < 1:
            raise SettingError(f"AKIMS_WORKERS must be a whole number >= 1, got {raw!r}")
    else:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(wanted, items)) if items is not None else max(1, wanted)


ORPHAN_POLL_SECONDS = 0.5


def _exit_with_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(ORPHAN_POLL_SECONDS)
    os._exit(1)


def end_with_parent(parent_pid: int) -> None:
    """A worker pool's initializer: the worker ends within half a second once its parent is gone.

    A pool's workers wait for work on a queue whose other end the parent holds; a parent killed
    (SIGKILL, the OOM killer) never tells them to stop, so they would wait for ever, holding the
    parent's stdout and stderr open (whoever reads them never sees the end)."""
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True, name="end-with-parent").start()


PARALLEL_MIN_ITEMS = 100_000


def parallel_min_items() -> int:
    """Below this much work (mentions) in a run, workers cost more to start (a few seconds
    each) than they save: `AKIMS_PARALLEL_MIN_MENTIONS`, default 100,000."""
    raw = os.environ.get("AKIMS_PARALLEL_MIN_MENTIONS", "").strip()
    if not raw:
        return PARALLEL_MIN_ITEMS
    if not raw.isdigit():
        raise SettingError(f"AKIMS_PARALLEL_MIN_MENTIONS must be a whole number >= 0, got {raw!r}")
    return int(raw)


def map_in_order(
    work: Callable[[Item], Result], items: Iterable[Item], *, count: int, workers: int | None = None
) -> Iterator[Result]:
    """`work(item)` for every item, yielded in the items' order, computed by worker processes.

    `work` must be a module-level function and items/results picklable. `count` is the number
    of items (to size the pool). A worker's exception is raised here, at its item.
    """
    workers = worker_count(count) if workers is None else max(1, min(workers, count))
    if workers == 1:
        for item in items:
            yield work(item)
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=end_with_parent, initargs=(os.getpid(),)
    )
    pending: deque[Future[Result]] = deque()
    try:
        source = iter(items)
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2 * workers:
                try:
                    pending.append(pool.submit(work, next(source)))
                except StopIteration:
                    exhausted = True
            if not pending:
                return
            yield pending.popleft().result()
    finally:
        # on an error (or the caller stopping early) the weeks not started yet are dropped
        pool.shutdown(wait=True, cancel_futures=True)
