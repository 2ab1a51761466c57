"""The database `DATABASE_URL` names, created when it does not exist yet (scripts/bootstrap.sh).

`make run` with `DATABASE_URL=postgis://patrol:patrol@127.0.0.1:5432/patrol_x` on a server where
`patrol_x` does not exist stopped at `migrate` with a traceback. The database is created from
`template1` by the URL's own role, which needs CREATEDB (the bootstrap's `patrol` has it, and
`template1` holds `postgis`, so the new database has it too); without that right, or with the
server unreachable, the message says what to do instead of a traceback.

    .venv/bin/python scripts/ensure_database.py     # reads DATABASE_URL; exit 1 with a message
"""
from __future__ import annotations

import os
import sys

import dj_database_url
import psycopg2
from psycopg2 import errorcodes, sql


def _connect(cfg: dict, dbname: str):
    return psycopg2.connect(dbname=dbname, user=cfg.get("USER") or None, password=cfg.get("PASSWORD") or None,
                            host=cfg.get("HOST") or None, port=cfg.get("PORT") or None, connect_timeout=10)


def ensure_database(url: str) -> str:
    """"exists" or "created"; raises RuntimeError with a message for the operator."""
    cfg = dj_database_url.parse(url)
    name = cfg["NAME"]
    try:
        _connect(cfg, name).close()
        return "exists"
    except psycopg2.OperationalError as exc:
        refused = f"cannot connect to DATABASE_URL's server: {str(exc).strip()}"
    # A failed connection carries no SQLSTATE, and its text is in the server's language: ask
    # the server's maintenance database whether the database is there instead of reading it.
    conn = None
    for maintenance in ("postgres", "template1"):
        try:
            conn = _connect(cfg, maintenance)
            break
        except psycopg2.OperationalError:
            continue
    if conn is None:
        raise RuntimeError(refused)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone():
                raise RuntimeError(refused)  # it is there: the failure was something else
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg2.Error as exc:
        if exc.pgcode == errorcodes.DUPLICATE_DATABASE:
            return "exists"
        raise RuntimeError(f'database "{name}" does not exist and role "{cfg.get("USER")}" cannot create it '
                           f"({str(exc).strip()}): create it with the postgis extension, or grant CREATEDB") from None
    finally:
        conn.close()
    conn = _connect(cfg, name)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except psycopg2.Error as exc:
        raise RuntimeError(f'database "{name}" was created, but the postgis extension could not be added '
                           f"({str(exc).strip()}): run CREATE EXTENSION postgis in it as a superuser") from None
    finally:
        conn.close()
    return "created"


if __name__ == "__main__":
    try:
        print(ensure_database(os.environ["DATABASE_URL"]))
    except RuntimeError as exc:
        print(f"[bootstrap] {exc}", file=sys.stderr)
        sys.exit(1)
