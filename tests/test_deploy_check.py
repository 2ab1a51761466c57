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
