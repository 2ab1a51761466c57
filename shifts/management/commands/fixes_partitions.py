"""List the fixes table's day partitions, and create the coming days' ahead of time.

Creating a partition locks the fixes table for a moment (PostgreSQL takes the parent's
strongest lock to attach it), so the ingestion's on-demand creation pauses every batch of
the first minutes of a new day; running this daily (with fixes_prune) avoids that."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shifts.services.partitions import fixes_partition_ensure, fixes_partitions


class Command(BaseCommand):
    help = "列出定位点的按天分区；--ahead N 预先建立今天起 N 天的分区"

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=0, help="预先建立今天及以后 N 天的分区（0：只列出）")

    def handle(self, *args, ahead=0, **options):
        if not 0 <= ahead <= 366:
            raise CommandError("--ahead 须在 0–366 之间")
        today = timezone.localdate()
        for i in range(ahead + 1 if ahead else 0):
            if fixes_partition_ensure(today + dt.timedelta(days=i)):
                self.stdout.write(f"已建立 {today + dt.timedelta(days=i)} 的分区")
        for p in fixes_partitions():
            self.stdout.write(f"{p.name}\t{p.day}\t{p.bytes / 1e6:.1f} MB")
