"""Great Expectations in a worker process started early, so its import overlaps the run's work.

Importing great_expectations costs about 5 s of CPU (scipy, a pydantic model per expectation);
validating a Monday run's week after that takes well under a second (docs/benchmarks.md). A
run that will validate calls `start()` at its beginning (`raw_mentions`, the first asset of the
load job): one process is spawned and imports GE while the run loads and classifies the weeks
in the parent. `validate()` then hands each suite's frame to that process; without a started
worker (a run of the checks alone, the tests' direct calls) it validates in this process, as
before. A worker that died is replaced by in-process validation, never by a missing result.

A frame of more than `WORKER_MAX_ROWS` rows (a long backfill) is validated in this process: the
import is then a small share of the run, and pickling the frame across would cost time and a
second copy in memory.

Spawned, not forked (the parent holds Dagster's and DuckDB's threads). `quality_expectations`
stops it after the run's last validation; if a run fails before that, the process's exit waits
for the worker to finish its import (a few seconds) and ends it; if the run's process is killed,
the worker ends within half a second (`assets.parallel.end_with_parent`).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any

from assets.parallel import end_with_parent
from assets.quality.expectations import ExpectationOutcome, validate_frame

WORKER_MAX_ROWS = 200_000

_pool: ProcessPoolExecutor | None = None
_warm: Future[None] | None = None


def _import_gx() -> None:
    import great_expectations  # noqa: F401  (the import is the point: it warms the worker)


def start() -> None:
    """Spawn the worker and let it import GE (idempotent)."""
    global _pool, _warm
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=end_with_parent,
            initargs=(os.getpid(),),
        )
        _warm = _pool.submit(_import_gx)


def started() -> bool:
    return _pool is not None


def stop() -> None:
    """End the worker (after the run's last validation)."""
    global _pool, _warm
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool, _warm = None, None


def validate(asset: str, frame: Any, weeks: Sequence[date]) -> list[ExpectationOutcome]:
    """`validate_frame` in the started worker, else here; here too if the worker broke or the
    frame is large."""
    if _pool is not None and len(frame) <= WORKER_MAX_ROWS:
        try:
            return _pool.submit(validate_frame, asset, frame, list(weeks)).result()
        except BrokenProcessPool:
            stop()
    return _validate_here(asset, frame, weeks)


def _validate_here(asset: str, frame: Any, weeks: Sequence[date]) -> list[ExpectationOutcome]:
    return validate_frame(asset, frame, weeks)
