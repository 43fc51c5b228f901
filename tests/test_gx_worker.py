"""Great Expectations in the early-started worker process (assets/quality/gx_worker.py) gives the
outcomes of an in-process validation, row for row, and falls back to in-process without it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pandas as pd
import pytest

from assets.quality import gx_worker
from assets.quality.expectations import validate_frame

W1, W2 = date(2019, 3, 4), date(2019, 3, 11)


def _frame() -> pd.DataFrame:
    rows = []
    for n, week in enumerate([W1, W1, W2, W2]):
        rows.append(
            {
                "id": f"m{n}",
                "platform": "telegram",
                "published_utc": datetime(2019, 3, 5 + 7 * (week == W2), 12),
                "local_date": week,
                "author_id": "",
                "text": "",
                "likes": -5.0 if n == 2 else 1.0,  # one bad counter, in the second week
                "comments": 0.0,
                "reposts": 0.0,
                "views": float("nan"),
                "author_followers": 10.0,
                "source_sentiment": None,
                "week_start": week,
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture
def worker() -> Iterator[None]:
    gx_worker.start()
    try:
        yield
    finally:
        gx_worker.stop()


def test_the_worker_validates_as_this_process_does(worker: None) -> None:
    assert gx_worker.started()
    frame = _frame()
    in_worker = gx_worker.validate("raw_mentions", frame, [W1, W2])
    here = validate_frame("raw_mentions", frame, [W1, W2])
    assert in_worker == here
    failed = [o for o in in_worker if not o.success]
    assert [(o.expectation, o.column, o.week_start, o.example_keys) for o in failed] == [
        ("expect_column_values_to_be_between", "likes", W2, ["telegram:m2"])
    ]


def test_without_a_worker_it_validates_here() -> None:
    gx_worker.stop()
    assert not gx_worker.started()
    outcomes = gx_worker.validate("raw_mentions", _frame(), [W1, W2])
    assert {o.week_start for o in outcomes if not o.success} == {W2}
