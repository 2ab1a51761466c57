"""The demo district's synthetic 12345 export (fixtures/hotline/demo_orders.xlsx), loaded
by `load_demo`: once; a second run sees the same file already imported and returns at once."""
from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

from ..models import ImportBatch
from .imports import complaints_import

DEMO_ORDERS = Path(settings.BASE_DIR) / "fixtures" / "hotline" / "demo_orders.xlsx"


def demo_orders_load(*, path: Path = DEMO_ORDERS) -> str:
    data = path.read_bytes()
    if ImportBatch.objects.filter(sha256=hashlib.sha256(data).hexdigest()).exists():
        return "12345演示工单: 已导入，跳过"
    result = complaints_import(data=data, filename=path.name, source="demo")
    return f"12345演示工单: {result.headline}"
