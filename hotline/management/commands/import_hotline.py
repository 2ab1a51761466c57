"""manage.py import_hotline FILE [--mapping …] [--partial] [--dry-run]: a 12345 export in."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hotline.services.imports import complaints_import


class Command(BaseCommand):
    help = ("导入12345工单（.xlsx 或 .csv，UTF-8/GBK）。先校验全部行，有错误则不导入任何数据并列出每个错误的行、列；"
            "按工单编号更新，重复导入不会重复计数")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel（.xlsx）或 CSV 文件")
        parser.add_argument("--mapping", default="", help="列映射：字段=文件中的列名，逗号分隔，如 “工单编号=编号,受理时间=来电时间”")
        parser.add_argument("--partial", action="store_true", help="跳过有错误的行，导入其余行")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计新增/更新/未变，不写入")

    def handle(self, *args, file, mapping, partial, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        result = complaints_import(data=path.read_bytes(), filename=path.name, mapping=mapping or None,
                                   partial=partial, dry_run=dry_run, source="command")
        for line in result.lines()[1:]:
            self.stdout.write(line)
        if not result.ok:
            raise CommandError(result.headline)
        self.stdout.write(self.style.SUCCESS(result.headline))
