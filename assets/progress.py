"""Progress lines for long work, shown on the command line (stderr) when AKIMS_PROGRESS=1,
with the seconds since the process started them."""

from __future__ import annotations

import os
import sys
import time

_STARTED = time.monotonic()


def report(message: str) -> None:
    if os.environ.get("AKIMS_PROGRESS") == "1":
        print(f"  … {message} [{time.monotonic() - _STARTED:.0f} s]", file=sys.stderr, flush=True)
