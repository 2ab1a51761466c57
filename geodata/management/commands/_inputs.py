"""Reading one input a line for the location commands (a file, or - for standard input)."""
import sys
from pathlib import Path

from django.core.management.base import CommandError


def read_input_lines(file: Path) -> list[str]:
    try:
        source = sys.stdin if str(file) == "-" else file.open(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"无法读取 {file}: {exc}") from exc
    with source:
        try:
            return [ln.rstrip("\n") for ln in source]
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} 不是 UTF-8 文本: {exc}") from exc
