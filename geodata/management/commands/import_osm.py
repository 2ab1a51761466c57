from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from geodata.services.network_import import NetworkImportError, network_import


class Command(BaseCommand):
    help = "导入OSM文件(.osm 或 .osm.pbf)中带名称的道路、路段、路口和地标（可重复执行，结果不变）"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", help="数据来源标识（默认取文件名第一个“.”之前的部分，最长 100 个字符），"
                                             "同一来源重复导入会更新旧数据")
        parser.add_argument("--allow-overlap", action="store_true",
                            help="允许导入与其他来源大部分路线相同的文件（默认拒绝：同一份数据换了文件名会使路网重复）")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file: Path, source=None, no_progress=False, allow_overlap=False, **options):
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            # One bar per stage (道路, 路段, 路口, 地标), each closed when the next begins.
            if no_progress:
                return
            if stage not in bars:
                for bar in bars.values():
                    bar.close()
                bars[stage] = tqdm(total=total, desc=f"写入{stage}", unit="条", file=self.stderr._out)
            bars[stage].n = done
            bars[stage].refresh()

        try:
            report = network_import(path=file, source=source, progress=progress, allow_overlap=allow_overlap)
        except NetworkImportError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for bar in bars.values():
                bar.close()
        for w in report.warnings:
            self.stderr.write(self.style.WARNING(f"警告: {w}"))
        self.stdout.write(f"{file.name}: highway 路线 {report.highway_ways_seen} 条，带名称 {report.ways} 条")
        for label, counts in (("道路", report.roads), ("路段", report.segments), ("路口", report.intersections),
                              ("地标", report.landmarks)):
            self.stdout.write(f"  {label}: {counts}")
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS("导入完成" if report.changed else "数据已是最新，没有变化"))
