"""Progress lines for long work, shown on the command line (stderr) when AKIMS_PROGRESS=1."""

from __future__ import annotations

import os
import sys


def report(message: str) -> None:
    if os.environ.get("AKIMS_PROGRESS") == "1":
        print(f"  … {message}", file=sys.stderr, flush=True)
