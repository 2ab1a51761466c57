"""A shift's coverage recomputed from all its stored good fixes (no worker needed)."""
from django.core.management.base import BaseCommand, CommandError

from core.errors import ServiceError
from shifts.services.coverage import coverage_update


class Command(BaseCommand):
    help = "重新计算班次的路段覆盖（用全部有效定位点；记入操作日志）"

    def add_arguments(self, parser):
        parser.add_argument("--shift", type=int, required=True, help="班次编号")
        parser.add_argument("--batch", type=int, help="只加入这一批次（及其前后 10 分钟的定位点）")

    def handle(self, *args, shift, batch=None, **options):
        try:
            r = coverage_update(shift_id=shift, batch_id=batch)
        except ServiceError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"班次 {r.shift_id}：读取有效定位点 {r.fixes} 个，涉及路段 {r.segments_touched} 条，"
                          f"写入 {r.rows_written} 行，删除 {r.rows_deleted} 行")
