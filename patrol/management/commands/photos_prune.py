"""Remove photo files that no photo record refers to (left by a crash between writing a
file and committing its record). Lists them first; deletes only with --delete."""
from django.core.management.base import BaseCommand, CommandError

from patrol.services.photos import orphan_photo_files, photo_files_delete


class Command(BaseCommand):
    help = "列出（--delete 时删除）没有照片记录引用的照片文件"

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="删除这些文件（默认只列出）")
        parser.add_argument("--older-than-minutes", type=int, default=60,
                            help="只处理早于此时间的文件，以免删掉正在上传的照片（默认 60）")

    def handle(self, *args, delete=False, older_than_minutes=60, **options):
        if older_than_minutes < 10:
            raise CommandError("--older-than-minutes 至少为 10：更新的文件可能属于正在上传的照片")
        names = orphan_photo_files(older_than_minutes=older_than_minutes)
        for name in names:
            self.stdout.write(name)
        if delete:
            photo_files_delete(names)
            self.stdout.write(self.style.SUCCESS(f"已删除 {len(names)} 个无引用的照片文件"))
        else:
            self.stdout.write(f"共 {len(names)} 个无引用的照片文件（加 --delete 删除）")
