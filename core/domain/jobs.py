"""When a background job that failed runs again (pure; core.jobs applies it).

Every job of this project is idempotent (coverage merges, a 12345 import that commits "done"
with its complaints, links made once), so running one again is always safe: a failure that
may be transient (a dropped connection, a deadlock, a worker killed by the machine) is
retried, a few times, further apart each time; after the last attempt it stays FAILED.

An attempt is a worker taking the job (django-tasks-db appends the worker's id to the row's
``worker_ids`` each time), so a job whose worker died is counted as one that failed.

>>> [retry_delay(n, base_seconds=60, cap_seconds=3600) for n in (1, 2, 3, 7, 8)]
[60, 120, 240, 3600, 3600]
>>> next_step(attempts=2, max_attempts=5, base_seconds=60, cap_seconds=3600)
('retry', 120)
>>> next_step(attempts=5, max_attempts=5, base_seconds=60, cap_seconds=3600)
('give_up', 0)

What a page says of a record whose job waits for its next attempt (`retry_wait_text`): not
"failed" — that word is for a job given up after its last attempt.
"""
from __future__ import annotations


def retry_delay(attempts: int, *, base_seconds: int, cap_seconds: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: base, 2×base, 4×base …, at most cap."""
    return min(cap_seconds, base_seconds * 2 ** max(0, min(attempts - 1, 30)))


def next_step(*, attempts: int, max_attempts: int, base_seconds: int, cap_seconds: int) -> tuple[str, int]:
    """("retry", seconds to wait) while attempts remain, else ("give_up", 0)."""
    if attempts < max_attempts:
        return "retry", retry_delay(attempts, base_seconds=base_seconds, cap_seconds=cap_seconds)
    return "give_up", 0


def retry_wait_text(*, attempts: int, max_attempts: int, retry_at: str = "", error: str = "") -> str:
    """A job waiting to run again after its `attempts`-th attempt failed, as a page shows it:
    when it runs again (`retry_at`, already formatted in local time; empty: at once), how many
    runs it has in all, and the last error.

    >>> retry_wait_text(attempts=2, max_attempts=5, retry_at="14:05:12", error="连接中断")
    '等待重试：第 2 次运行失败，将于 14:05:12 自动重试（最多运行 5 次）。上次的错误：连接中断'
    >>> retry_wait_text(attempts=1, max_attempts=5)
    '等待重试：第 1 次运行失败，即将自动重试（最多运行 5 次）'
    """
    when = f"将于 {retry_at} 自动重试" if retry_at else "即将自动重试"
    text = f"等待重试：第 {attempts} 次运行失败，{when}（最多运行 {max_attempts} 次）"
    return f"{text}。上次的错误：{error}" if error else text


def storable_text(text: str, *, limit: int) -> str:
    """`text` as a PostgreSQL text column can hold it and a page can show it: NUL (which
    PostgreSQL refuses) and lone surrogates (which UTF-8 cannot encode) written out as escapes,
    and at most about `limit` characters, the head and the tail kept (a traceback's last line is
    the error itself) with how much was left out between them.

    >>> storable_text("坏\\x00数据\\udc80", limit=100)
    '坏\\\\x00数据\\\\udc80'
    >>> storable_text("头" * 10 + "尾" * 90, limit=40)
    '头头头头头头头头头头\\n…（中间省略 60 个字符）…\\n尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾尾'
    """
    text = text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) <= limit:
        return text
    head = limit // 4
    tail = limit - head
    return f"{text[:head]}\n…（中间省略 {len(text) - head - tail} 个字符）…\n{text[-tail:]}"
