"""The API keeps its contract: schemathesis, run against the app served by gunicorn (on
the test database) with a token for each role, generates requests from /api/v1/schema/
(the coverage, fuzzing and stateful phases; the stateful one follows the schema's links:
create a problem, dispatch it, record an outcome, add its photo …) and checks every answer
with all its checks: no server error, every status code, content type and header
documented, every body of the documented shape, schema-valid requests accepted (or refused
with a documented 401/403/404/409/422), schema-violating ones refused, authentication not
ignored. It must find nothing.

Bounded: a fixed seed and a few examples per operation, so a run takes well under a minute
per role. SCHEMATHESIS_EXAMPLES raises the count for a longer hunt.
"""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from api.models import ApiToken

ROOT = Path(__file__).resolve().parents[2]
ROLES = {"district_admin": "admin", "supervisor": "supervisor1", "team_lead": "lead1", "officer": "officer1",
         "publisher": "publisher1"}
EXAMPLES = os.environ.get("SCHEMATHESIS_EXAMPLES", "8")

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def tokens():
    from geodata.services.demo import demo_load
    from patrol.services.demo import demo_people_load

    demo_load()  # a transactional test starts from whatever the last flush left
    if not get_user_model().objects.filter(username="admin").exists():
        get_user_model().objects.create_superuser("admin", password="patrol-demo")
    demo_people_load()
    return {role: ApiToken.issue(user=get_user_model().objects.get(username=username), name="contract test")[1]
            for role, username in ROLES.items()}


@pytest.fixture
def served(tokens, tmp_path):
    """gunicorn (2 workers, as `make run` serves) on the test database, committed data."""
    db = settings.DATABASES["default"]
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "media"),
           # the public endpoints' per-IP limit would answer schemathesis' burst with 429s
           "THROTTLE_ANON": "100000/min", "THROTTLE_OPEN311_READ": "100000/min"}
    log = open(tmp_path / "gunicorn.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
                             f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/api/v1/schema/?format=json", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("gunicorn did not answer: " + (tmp_path / "gunicorn.log").read_text()[-3000:])
        yield base, tokens
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


def _schemathesis(base: str, token: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/v1/schema/",
               "--header", f"Authorization: Token {token}", "--checks", "all",
               "--max-examples", EXAMPLES, "--seed", "20261130", "--workers", "1", "--no-color",
               "--generation-database", "none", "--request-timeout", "30", "--max-failures", "20"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_schemathesis_finds_nothing_for_any_role(served, tmp_path):
    base, tokens = served
    failed = {}
    for role, token in tokens.items():
        run = _schemathesis(base, token)
        report = run.stdout[-20000:] + run.stderr[-4000:]
        (tmp_path / f"schemathesis-{role}.txt").write_text(report)
        ran_all = all(f"✅ {phase}" in run.stdout for phase in ("Coverage", "Fuzzing", "Stateful"))
        selected = re.search(r"Selected: (\d+)/(\d+)", run.stdout)
        if run.returncode != 0 or not ran_all or not selected or selected.group(1) != selected.group(2):
            failed[role] = report
    assert not failed, "\n\n".join(f"===== {role} =====\n{report}" for role, report in failed.items())
