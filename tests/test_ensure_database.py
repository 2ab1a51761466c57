"""`make run` with a DATABASE_URL naming a database that does not exist yet creates it (with
postgis) instead of stopping at `migrate` with a traceback; an unreachable server is one line."""
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def _name() -> str:
    """A database of this run's own (named after its test database, test_<DBNAME>): runs from
    other worktrees share the server, and a fixed name had one run drop the other's."""
    return f"{connection.settings_dict['NAME']}_ensure"[:63]


def _url(name: str, port=None) -> str:
    s = connection.settings_dict
    return f"postgis://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{port or s['PORT'] or 5432}/{name}"


def _run(url: str):
    return subprocess.run([sys.executable, "scripts/ensure_database.py"], cwd=ROOT, capture_output=True, text=True,
                          env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}, timeout=60)


def _drop():
    s = connection.settings_dict
    conn = psycopg2.connect(dbname="postgres", user=s["USER"], password=s["PASSWORD"], host=s["HOST"] or "127.0.0.1",
                            port=s["PORT"] or 5432)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {_name()}")
    conn.close()


@pytest.mark.django_db
def test_a_missing_database_is_created_with_postgis_and_then_left_alone():
    _drop()
    try:
        first = _run(_url(_name()))
        assert (first.returncode, first.stdout.strip()) == (0, "created"), first.stderr
        s = connection.settings_dict
        conn = psycopg2.connect(dbname=_name(), user=s["USER"], password=s["PASSWORD"], host=s["HOST"] or "127.0.0.1",
                                port=s["PORT"] or 5432)
        with conn.cursor() as cur:
            cur.execute("SELECT extname FROM pg_extension WHERE extname = 'postgis'")
            assert cur.fetchone() == ("postgis",)
        conn.close()
        again = _run(_url(_name()))
        assert (again.returncode, again.stdout.strip()) == (0, "exists")
    finally:
        _drop()


def test_an_unreachable_server_is_one_line_not_a_traceback():
    out = _run(_url(_name(), port=1))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("[bootstrap] cannot connect to DATABASE_URL's server")


@pytest.mark.django_db
def test_a_missing_database_is_created_whatever_language_the_server_speaks(monkeypatch):
    """A connection's failure carries no SQLSTATE and its text is in the server's lc_messages:
    a server that answers in Chinese ('数据库 "x" 不存在') must not be taken for unreachable."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import ensure_database as ed
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    real = ed._connect

    def connect(cfg, dbname):
        try:
            return real(cfg, dbname)
        except psycopg2.OperationalError:
            raise psycopg2.OperationalError(f'致命错误:  数据库 "{dbname}" 不存在') from None

    monkeypatch.setattr(ed, "_connect", connect)
    _drop()
    try:
        assert ed.ensure_database(_url(_name())) == "created"
        assert ed.ensure_database(_url(_name())) == "exists"
    finally:
        _drop()
