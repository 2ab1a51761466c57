"""Retention of GPS fixes: detach and drop whole day partitions older than N days."""
from django.core.management.base import BaseCommand, CommandError

from shifts.services.partitions import fixes_prune


class Command(BaseCommand):
    help = "删除 N 天以前的定位点（按天分区整体卸载并删除；记入操作日志）"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True,
                            help="保留最近 N 天（含今天之前的 N 个整天），更早的分区删除")
        parser.add_argument("--dry-run", action="store_true", help="只列出将删除的分区")

    def handle(self, *args, older_than_days, dry_run=False, **options):
        if older_than_days < 1:
            raise CommandError("--older-than-days 至少为 1")
        report = fixes_prune(older_than_days=older_than_days, dry_run=dry_run)
        verb = "将删除" if dry_run else "已删除"
        for p in report.dropped:
            self.stdout.write(f"{verb} {p.name}（{p.day}，{p.bytes / 1e6:.1f} MB）")
        self.stdout.write(f"{verb} {len(report.dropped)} 个分区，共 {sum(p.bytes for p in report.dropped) / 1e6:.1f} MB；"
                          f"默认分区中 {report.cutoff:%Y-%m-%d %H:%M} 以前的定位点 {report.default_rows_deleted} 个")
