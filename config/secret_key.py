"""The SECRET_KEY of an installation that was given none: made once, at random, on the first
start, and kept in a file only its owner may read (var/secret_key, mode 0600), so `make run`
needs no configuration and no two installations share a key. No key is published with the
code; the one an earlier version fell back to is named here so that `manage.py check
--deploy` refuses it (core.checks).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

#: Keys that were published in this repository: never a secret, refused by `check --deploy`.
PUBLISHED_KEYS = frozenset({"local-only-insecure-key-set-SECRET_KEY-in-deployment"})


def installation_secret_key(path: Path) -> str:
    """The key kept in `path`, made (50 random characters, mode 0600) when there is none.

    Several processes may start at once (gunicorn's workers, the job worker): the key is
    written to a private temporary file and linked into place, so every one of them reads
    the same complete key."""
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    from django.core.management.utils import get_random_secret_key

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(get_random_secret_key() + "\n")
        try:
            os.link(tmp, path)  # fails if another process made it first: theirs is kept
        except FileExistsError:
            if not path.read_text(encoding="ascii").strip():
                os.replace(tmp, path)  # an empty file (a full disk, a hand edit) is no key: ours
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()
