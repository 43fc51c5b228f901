"""Pseudonyms for private persons' author ids: a keyed hash (HMAC-SHA256).

The key comes from the environment variable AKIMS_PSEUDONYM_KEY. Without it, a random key is
created once per warehouse in `$AKIMS_HOME/.pseudonym_key` (mode 0600), so pseudonyms stay
stable across runs of one warehouse; set the variable to share pseudonyms across warehouses.
The key is never written to SQL, logs or tables: dbt calls the hash as the DuckDB function
`akims_pseudonym(author_id)`, registered by `assets.sources.dbt_plugin`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_ENV = "AKIMS_PSEUDONYM_KEY"
KEY_FILE = ".pseudonym_key"
PREFIX = "anon-"


def pseudonym(key: bytes, author_id: str) -> str:
    """`anon-` + the first 20 hex digits (80 bits) of HMAC-SHA256(key, author_id).

    The platform is left out on purpose: the indicators count distinct author ids across
    platforms, and a pseudonym must not change what counts as one author."""
    digest = hmac.new(key, author_id.encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:20]


def resolve_key(home: Path) -> bytes:
    """The key: AKIMS_PSEUDONYM_KEY, else this warehouse's key file (created when missing)."""
    value = os.environ.get(KEY_ENV, "")
    if value.strip():
        return value.encode()
    path = home / KEY_FILE
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode()
