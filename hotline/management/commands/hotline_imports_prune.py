"""Retention of queued 12345 imports (hotline.services.queued): finished ones older than N days."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from hotline.services.queued import queued_prune


class Command(BaseCommand):
    help = "删除 N 天以前上传、已结束（完成或出错）的排队导入记录及其保留的文件；导入批次和工单不受影响"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True, help="保留最近 N 天上传的记录")
        parser.add_argument("--dry-run", action="store_true", help="只统计将删除的记录")

    def handle(self, *args, older_than_days, dry_run=False, **options):
        if older_than_days < 1:
            raise CommandError("--older-than-days 至少为 1")
        n = queued_prune(older_than=dt.timedelta(days=older_than_days), dry_run=dry_run)
        self.stdout.write(f"{'将删除' if dry_run else '已删除'} {n} 条排队导入记录")
