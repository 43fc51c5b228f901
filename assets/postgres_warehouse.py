"""The warehouse on PostgreSQL (`AKIMS_WAREHOUSE_URL`): dbt builds the models and marts on the
server, where several people and BI tools (Metabase, Superset) read them while a run writes.

The Python assets still load, quarantine, classify and validate in the local DuckDB file (its
`raw` schema is their working store: one writer, fast columnar writes, Great Expectations on it).
Before each dbt build the raw tables are shipped to the server (`ship_raw`): the weeks whose
mentions or classifications changed are replaced (delete the window, then insert) and the small
tables copied whole, by COPY from a CSV that DuckDB writes (no DuckDB extension needed). After the
build, the marts come back into the local file (`mirror_marts`), so publishing, the serving
snapshot and every reader run one code path on either target; the published tables then go to the
server (`ship_published`), so a BI tool there sees what was published.

A ship or mirror replaces what it copies in one server transaction: readers on the server see
the previous rows or the new ones, never half a week.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from assets.duckdb_tx import transaction
from assets.paths import SettingError

PG_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "HUGEINT": "numeric",
    "VARCHAR[]": "text[]",
}
DUCKDB_TYPES = {
    "text": "VARCHAR",
    "character varying": "VARCHAR",
    "bigint": "BIGINT",
    "integer": "INTEGER",
    "smallint": "SMALLINT",
    "double precision": "DOUBLE",
    "real": "FLOAT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp without time zone": "TIMESTAMP",
    "timestamp with time zone": "TIMESTAMP WITH TIME ZONE",
}
# raw tables shipped a week at a time: table -> the column whose latest value changes when a week
# is reloaded or reclassified
WEEKLY_RAW_TABLES = {"mentions": "loaded_at", "classified_mentions": "classified_at"}
# schemas of the local file copied whole to the server before a build (small tables)
WHOLE_SCHEMAS = ("raw", "overrides")
# ... except the record of the last full dbt build: it describes the target dbt built, so for a
# server it lives on the server (below), where a dbt run by hand drops it (macros/helpers.sql)
NOT_SHIPPED = {("raw", "dbt_builds")}
MARTS_SCHEMA = "marts"
PUBLISH_SCHEMA = "publish"


class WarehouseServerError(RuntimeError):
    """The PostgreSQL warehouse cannot be reached or written; the message is one line."""


# --- settings -----------------------------------------------------------------------------------


def server_label(url: str) -> str:
    """Host and database of a libpq URL, for messages (never the password)."""
    from psycopg2.extensions import parse_dsn

    try:
        parts = parse_dsn(url)
    except Exception as exc:
        raise SettingError(f"AKIMS_WAREHOUSE_URL is not a valid PostgreSQL URL: {str(exc).strip()}") from None
    return f"{parts.get('host') or 'localhost'}:{parts.get('port') or 5432}/{parts.get('dbname') or ''}"


def _pgoptions_value(text: str) -> str:
    """A value inside PGOPTIONS: spaces and backslashes escaped with a backslash."""
    return text.replace("\\", "\\\\").replace(" ", "\\ ")


def dbt_environment(url: str, pseudonym_key: bytes, env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The variables dbt's `postgres` target reads (dbt_project/profiles.yml): the connection parts
    of `url`, and the pseudonym key as the session setting akims.pseudonym_key through libpq's
    PGOPTIONS (so it is in no SQL, log or table)."""
    from psycopg2.extensions import parse_dsn

    parts = parse_dsn(url)
    options = env.get("PGOPTIONS", "")
    # ISO dates: the models turn dates and timestamps into text for their fingerprints
    key_option = f"-c datestyle=ISO -c akims.pseudonym_key={_pgoptions_value(pseudonym_key.decode())}"
    return {
        "AKIMS_DBT_TARGET": "postgres",
        "AKIMS_PG_HOST": parts.get("host") or "localhost",
        "AKIMS_PG_PORT": str(parts.get("port") or 5432),
        "AKIMS_PG_USER": parts.get("user") or env.get("USER", "postgres"),
        "AKIMS_PG_PASSWORD": parts.get("password") or "",
        "AKIMS_PG_DBNAME": parts.get("dbname") or parts.get("user") or "postgres",
        "PGOPTIONS": f"{options} {key_option}".strip(),
    }


@contextmanager
def connect_server(url: str) -> Iterator[Any]:
    """A psycopg2 connection to the warehouse server; one transaction, committed when the block
    ends without error. An unreachable server is a one-line `WarehouseServerError`."""
    import psycopg2

    try:
        con = psycopg2.connect(url, connect_timeout=10, application_name="akims")
    except psycopg2.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WarehouseServerError(f"cannot connect to the warehouse server {server_label(url)}: {reason}") from None
    try:
        yield con
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()


def check_text_rules(pg: Any, label: str) -> None:
    """The models normalise texts with the server's lower(), which folds only ASCII in a database
    whose character type is C or POSIX: such a database would match fewer official texts and
    duplicates than DuckDB does. Refuse it, in one line, before anything is built."""
    with pg.cursor() as cur:
        cur.execute("select lower('ЁЖИК ÄÖ') = 'ёжик äö', current_database()")
        folds, database = cur.fetchone()
    if not folds:
        raise WarehouseServerError(
            f"the warehouse database {label} lower-cases only ASCII (its LC_CTYPE is C or POSIX): create it "
            f"with a UTF-8 locale, e.g. CREATE DATABASE {database} LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' "
            "TEMPLATE template0"
        )


# --- DuckDB -> PostgreSQL -----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    duckdb_type: str

    @property
    def pg_type(self) -> str:
        if self.duckdb_type.startswith("DECIMAL"):
            return "numeric"
        try:
            return PG_TYPES[self.duckdb_type]
        except KeyError:
            raise ValueError(f"column {self.name}: no PostgreSQL type for DuckDB's {self.duckdb_type}") from None

    @property
    def csv_expression(self) -> str:
        """The column as DuckDB writes it for PostgreSQL's COPY (a list as `{"a","b"}`)."""
        quoted = _quoted(self.name)
        if self.duckdb_type.endswith("[]"):
            element = "'\"' || replace(replace(e, '\\', '\\\\'), '\"', '\\\"') || '\"'"
            return (
                f"case when {quoted} is null then null else "
                f"'{{' || array_to_string(list_transform({quoted}, lambda e: {element}), ',') || '}}' end"
            )
        return quoted


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _relation(schema: str, table: str) -> str:
    return f"{_quoted(schema)}.{_quoted(table)}"


def duckdb_columns(duck: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[Column]:
    rows = duck.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, table],
    ).fetchall()
    if not rows:
        raise ValueError(f"{schema}.{table}: no such table in the DuckDB warehouse")
    return [Column(str(name), str(data_type)) for name, data_type in rows]


def duckdb_tables(duck: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = duck.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? order by 1",
        [schema],
    ).fetchall()
    return [str(name) for (name,) in rows]


def server_columns(cur: Any, schema: str, table: str) -> list[tuple[str, str]]:
    cur.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = %s and table_name = %s order by ordinal_position",
        [schema, table],
    )
    return [(str(name), str(data_type)) for name, data_type in cur.fetchall()]


def _same_shape(cols: Iterable[Column], on_server: list[tuple[str, str]]) -> bool:
    wanted = [(c.name, c.pg_type) for c in cols]
    aliases = {"ARRAY": "text[]", "timestamp without time zone": "timestamp"}
    return wanted == [(name, aliases.get(kind, kind)) for name, kind in on_server]


def copy_table(
    duck: duckdb.DuckDBPyConnection,
    pg: Any,
    schema: str,
    table: str,
    *,
    where: str | None = None,
) -> int:
    """Copy `schema.table` (the rows matching `where`, a condition both engines read alike) from
    DuckDB into PostgreSQL inside the caller's transaction on `pg`: the rows matching `where`
    (every row without it) are deleted first; a server table whose columns differ from the local
    one is dropped and created again. Returns the rows copied."""
    cols = duckdb_columns(duck, schema, table)
    names = ", ".join(_quoted(c.name) for c in cols)
    condition = f" where {where}" if where else ""
    with pg.cursor() as cur:
        cur.execute(f"create schema if not exists {_quoted(schema)}")
        existing = server_columns(cur, schema, table)
        if existing and not _same_shape(cols, existing):
            cur.execute(f"drop table {_relation(schema, table)} cascade")
            existing = []
        if not existing:
            body = ", ".join(f"{_quoted(c.name)} {c.pg_type}" for c in cols)
            cur.execute(f"create table {_relation(schema, table)} ({body})")
        else:
            cur.execute(f"delete from {_relation(schema, table)}{condition}")
        with tempfile.TemporaryDirectory(prefix="akims-ship-") as tmp:
            path = Path(tmp) / "rows.csv"
            select = ", ".join(c.csv_expression for c in cols)
            duck.execute(
                f"copy (select {select} from {_relation(schema, table)}{condition}) "
                f"to '{path}' (format csv, header false)"
            )
            with path.open(encoding="utf-8") as rows:
                cur.copy_expert(f"copy {_relation(schema, table)} ({names}) from stdin with (format csv)", rows)
            return int(cur.rowcount)


def _week_versions_duckdb(duck: duckdb.DuckDBPyConnection, table: str, stamp: str) -> dict[str, str]:
    rows = duck.execute(
        f"select cast(week_start as varchar), cast(count(*) as varchar) || '|' || "
        f"coalesce(strftime(max({_quoted(stamp)}), '%Y-%m-%d %H:%M:%S.%f'), '') "
        f"from {_relation('raw', table)} group by 1"
    ).fetchall()
    return {str(week): str(version) for week, version in rows}


def _week_versions_server(cur: Any, table: str, stamp: str) -> dict[str, str]:
    cur.execute(
        f"select cast(week_start as text), count(*)::text || '|' || "
        f"coalesce(to_char(max({_quoted(stamp)}), 'YYYY-MM-DD HH24:MI:SS.US'), '') "
        f"from {_relation('raw', table)} group by 1"
    )
    return {str(week): str(version) for week, version in cur.fetchall()}


@dataclass(frozen=True)
class ShipReport:
    weeks: int  # weeks of mentions or classifications replaced on the server
    rows: int  # rows copied in all
    tables: int  # tables copied


def ship_raw(duck: duckdb.DuckDBPyConnection, pg: Any) -> ShipReport:
    """Bring the server's raw and overrides schemas level with the local file: the weeks of
    raw.mentions / raw.classified_mentions whose row count or latest load/classification time
    differ are replaced (weeks gone locally are deleted), every other table is copied whole."""
    weeks: set[str] = set()
    rows = tables = 0
    present = set(duckdb_tables(duck, "raw"))
    for table, stamp in WEEKLY_RAW_TABLES.items():
        if table not in present:
            continue
        cols = duckdb_columns(duck, "raw", table)
        with pg.cursor() as cur:
            on_server = server_columns(cur, "raw", table)
            server_versions = _week_versions_server(cur, table, stamp) if _same_shape(cols, on_server) else None
        local_versions = _week_versions_duckdb(duck, table, stamp)
        if server_versions is None:
            rows += copy_table(duck, pg, "raw", table)  # new, or its columns changed: created again
            weeks.update(local_versions)
        else:
            changed = sorted(
                week
                for week in set(local_versions) | set(server_versions)
                if local_versions.get(week) != server_versions.get(week)
            )
            if changed:
                window = "week_start in (" + ", ".join(f"date '{week}'" for week in changed) + ")"
                rows += copy_table(duck, pg, "raw", table, where=window)
                weeks.update(changed)
        tables += 1
    for schema in WHOLE_SCHEMAS:
        for table in duckdb_tables(duck, schema):
            if (schema == "raw" and table in WEEKLY_RAW_TABLES) or (schema, table) in NOT_SHIPPED:
                continue
            rows += copy_table(duck, pg, schema, table)
            tables += 1
    return ShipReport(weeks=len(weeks), rows=rows, tables=tables)


def server_last_full_build(pg: Any) -> str | None:
    """The fingerprint of the last full dbt build on the server (assets/dbt_scope.py), if any."""
    with pg.cursor() as cur:
        cur.execute("select to_regclass('raw.dbt_builds') is not null")
        if not cur.fetchone()[0]:
            return None
        cur.execute("select project_fingerprint from raw.dbt_builds order by built_at desc limit 1")
        row = cur.fetchone()
        return str(row[0]) if row else None


def record_server_full_build(pg: Any, fingerprint: str | None, dbt_version: str, built_at: Any) -> None:
    """Replace the server's record of the last full build (`fingerprint` None: forget it)."""
    with pg.cursor() as cur:
        cur.execute("create schema if not exists raw")
        cur.execute(
            "create table if not exists raw.dbt_builds (project_fingerprint text, dbt_version text, built_at timestamp)"
        )
        cur.execute("delete from raw.dbt_builds")
        if fingerprint is not None:
            cur.execute("insert into raw.dbt_builds values (%s, %s, %s)", [fingerprint, dbt_version, built_at])


def ship_published(duck: duckdb.DuckDBPyConnection, pg: Any) -> int:
    """Copy the local publish schema (published rankings and periods) to the server, whole."""
    return sum(copy_table(duck, pg, PUBLISH_SCHEMA, table) for table in duckdb_tables(duck, PUBLISH_SCHEMA))


# --- PostgreSQL -> DuckDB -----------------------------------------------------------------------


def _duckdb_type(cur: Any, schema: str, table: str, column: str, pg_type: str) -> str:
    if pg_type in DUCKDB_TYPES:
        return DUCKDB_TYPES[pg_type]
    if pg_type == "numeric":  # sums of bigints (DuckDB: HUGEINT) unless a value has a fraction
        cur.execute(
            f"select coalesce(bool_and({_quoted(column)} = trunc({_quoted(column)})), true) "
            f"from {_relation(schema, table)}"
        )
        return "HUGEINT" if cur.fetchone()[0] else "DOUBLE"
    if pg_type == "ARRAY":
        return "VARCHAR[]"
    raise ValueError(f"{schema}.{table}.{column}: no DuckDB type for PostgreSQL's {pg_type}")


def mirror_marts(pg: Any, duck: duckdb.DuckDBPyConnection) -> int:
    """Replace the local marts schema with the server's marts (tables and views, as tables), in
    one local transaction. Returns the number of relations copied."""
    with pg.cursor() as cur:
        cur.execute(
            "select table_name from information_schema.tables where table_schema = %s order by 1", [MARTS_SCHEMA]
        )
        relations = [str(name) for (name,) in cur.fetchall()]
        with tempfile.TemporaryDirectory(prefix="akims-mirror-") as tmp, transaction(duck, "mirror_marts"):
            duck.execute(f"create schema if not exists {MARTS_SCHEMA}")
            local = duck.execute(
                "select table_name, table_type from information_schema.tables "
                "where table_catalog = current_database() and table_schema = ?",
                [MARTS_SCHEMA],
            ).fetchall()
            for name, kind in local:
                duck.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {_relation(MARTS_SCHEMA, str(name))}")
            for name in relations:
                cols = server_columns(cur, MARTS_SCHEMA, name)
                types = {col: _duckdb_type(cur, MARTS_SCHEMA, name, col, kind) for col, kind in cols}
                path = Path(tmp) / f"{name}.csv"
                with path.open("w", encoding="utf-8") as out:
                    relation = _relation(MARTS_SCHEMA, name)
                    cur.copy_expert(f"copy (select * from {relation}) to stdout with (format csv)", out)
                body = ", ".join(f"{_quoted(col)} {kind}" for col, kind in types.items())
                duck.execute(f"create table {_relation(MARTS_SCHEMA, name)} ({body})")
                columns = "{" + ", ".join(f"'{col}': '{kind}'" for col, kind in types.items()) + "}"
                duck.execute(
                    f"insert into {_relation(MARTS_SCHEMA, name)} select * from read_csv('{path}', "
                    f"header = false, columns = {columns}, quote = '\"', escape = '\"', nullstr = '', "
                    f"allow_quoted_nulls = false)"
                )
    return len(relations)
