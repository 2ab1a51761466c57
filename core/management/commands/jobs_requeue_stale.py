"""Jobs left behind by a worker that died: RUNNING ones back to READY, FAILED ones that were
neither retried nor given up given that step (see core/jobs.py)."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.jobs import jobs_requeue_stale


class Command(BaseCommand):
    help = ("把运行超过 N 分钟仍未结束的后台任务（其进程多半已退出）重新排队；"
            "失败已超过 N 分钟却既未重试也未放弃的任务（进程在安排重试前退出）按重试规则重新排队或放弃")

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, required=True,
                            help="开始运行（或失败）已超过 N 分钟的任务才处理（应大于最长任务的运行时间）")
        parser.add_argument("--dry-run", action="store_true", help="只列出")

    def handle(self, *args, older_than_minutes, dry_run=False, **options):
        if older_than_minutes < 1:
            raise CommandError("--older-than-minutes 至少为 1")
        ids = jobs_requeue_stale(older_than=dt.timedelta(minutes=older_than_minutes), dry_run=dry_run)
        for i in ids:
            self.stdout.write(i)
        self.stdout.write(f"{'将处理' if dry_run else '已处理'} {len(ids)} 个任务（重新排队，或已用完运行次数的标为失败）")
