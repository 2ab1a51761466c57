"""`manage.py check --deploy` is clean under the documented production settings
(SECURE_DEPLOYMENT=1, a SECRET_KEY of its own), and that mode refuses to start without
the key; local use (`make run`, plain HTTP) keeps the non-secure defaults."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


# Not passed on: what the tests set themselves, and the DJANGO_ALLOW_ASYNC_UNSAFE that
# tests/conftest.py sets for Playwright (in a deployment it is an error, async.E001).
NOT_INHERITED = {"SECRET_KEY", "DEBUG", "SECURE_DEPLOYMENT", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environ.update(env)  # DATABASE_URL, if set, comes from the environment as it is
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=600)


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_DEPLOYMENT="1", DEBUG="0",
                    SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="patrol.example.cn", NUM_PROXIES="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_secure_deployment_requires_its_own_secret_key():
    result = manage("check", SECURE_DEPLOYMENT="1", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_local_use_stays_on_plain_http():
    assert not settings.SECURE_SSL_REDIRECT
    assert not settings.SESSION_COOKIE_SECURE and not settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS == 0


def test_without_secret_key_the_installation_makes_its_own_and_check_deploy_says_so(tmp_path):
    from config.secret_key import PUBLISHED_KEYS
    assert settings.SECRET_KEY not in PUBLISHED_KEYS
    key_file = tmp_path / "var" / "secret_key"
    probe = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = manage("shell", "-c", probe, SECRET_KEY_FILE=str(key_file))
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip().splitlines()[-1]
    assert len(key) >= 50 and key not in PUBLISHED_KEYS
    assert key_file.read_text().strip() == key and (key_file.stat().st_mode & 0o777) == 0o600
    assert manage("shell", "-c", probe, SECRET_KEY_FILE=str(key_file)).stdout.strip().splitlines()[-1] == key
    result = manage("check", "--deploy", DEBUG="0", ALLOWED_HOSTS="patrol.example.gov.cn",
                    SECRET_KEY_FILE=str(key_file))
    assert "core.W001" in result.stderr + result.stdout


def test_check_deploy_refuses_the_key_once_published_with_the_code():
    result = manage("check", "--deploy", DEBUG="0", ALLOWED_HOSTS="patrol.example.gov.cn",
                    SECRET_KEY="local-only-insecure-key-set-SECRET_KEY-in-deployment")
    assert result.returncode != 0
    assert "core.E001" in result.stderr + result.stdout


def test_two_processes_starting_at_once_share_one_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from config.secret_key import installation_secret_key
    path = tmp_path / "secret_key"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: installation_secret_key(path), range(16)))
    assert keys == {path.read_text().strip()}


def test_an_empty_key_file_is_replaced_by_a_key(tmp_path):
    from config.secret_key import installation_secret_key

    path = tmp_path / "secret_key"
    path.write_text("")  # (a full disk, a hand edit)
    key = installation_secret_key(path)
    assert len(key) >= 50 and path.read_text().strip() == key
