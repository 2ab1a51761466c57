"""Jobs left RUNNING by a worker that died: back to READY (see core/jobs.py)."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.jobs import jobs_requeue_stale


class Command(BaseCommand):
    help = "把运行超过 N 分钟仍未结束的后台任务（其进程多半已退出）重新排队"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, required=True,
                            help="开始运行已超过 N 分钟的任务重新排队（应大于最长任务的运行时间）")
        parser.add_argument("--dry-run", action="store_true", help="只列出")

    def handle(self, *args, older_than_minutes, dry_run=False, **options):
        if older_than_minutes < 1:
            raise CommandError("--older-than-minutes 至少为 1")
        ids = jobs_requeue_stale(older_than=dt.timedelta(minutes=older_than_minutes), dry_run=dry_run)
        for i in ids:
            self.stdout.write(i)
        self.stdout.write(f"{'将重新排队' if dry_run else '已重新排队'} {len(ids)} 个任务")
