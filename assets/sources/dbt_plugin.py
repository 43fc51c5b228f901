"""dbt-duckdb plugin: registers `akims_pseudonym(author_id)` on dbt's DuckDB connections.

Listed under `plugins:` in dbt_project/profiles.yml. The key is read here, in Python, so it
never appears in compiled SQL, dbt logs or the warehouse file.
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from assets.paths import akims_home
from assets.sources.pseudonymise import pseudonym, resolve_key


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        key = resolve_key(akims_home())

        def akims_pseudonym(author_id: str) -> str:
            return pseudonym(key, author_id)

        conn.create_function("akims_pseudonym", akims_pseudonym, ["VARCHAR"], "VARCHAR")
