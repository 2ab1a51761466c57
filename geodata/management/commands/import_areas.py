from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geodata.importers.areas import AreaReadError, read_areas
from geodata.models import AreaKind
from geodata.selectors.areas import areas_by_code_or_name
from geodata.services.area_import import PARENT_KINDS, AreaImportError, areas_import


class Command(BaseCommand):
    help = "从 GeoJSON 导入行政区划边界（区、街道、社区、网格），可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=AreaKind.values, help="区划级别")
        parser.add_argument("--name-field", required=True, help="名称所在的属性")
        parser.add_argument("--code-field", help="区划代码所在的属性")
        parser.add_argument("--crs", default="wgs84", choices=["wgs84", "gcj02", "bd09"],
                            help="文件坐标系：高德/腾讯为 gcj02，百度为 bd09")
        parser.add_argument("--parent", help="上级区划的代码或名称（默认按位置自动查找）")
        parser.add_argument("--source", help="来源说明（默认取文件名）")

    def handle(self, *args, file, kind, name_field, code_field, crs, parent, source, **options):
        parent_area = None
        if parent:
            found = areas_by_code_or_name(parent, kinds=PARENT_KINDS[kind])
            if not found:
                raise CommandError(f"找不到上级区划 {parent!r}（{AreaKind(kind).label}的上级须为"
                                   f"{'/'.join(AreaKind(k).label for k in PARENT_KINDS[kind]) or '无'}）")
            if len(found) > 1:
                raise CommandError(f"有 {len(found)} 个区划叫 {parent!r}（"
                                   + "、".join(f"{a.get_kind_display()} {a.code or '无代码'}" for a in found)
                                   + "），请用代码指定上级")
            parent_area = found[0]
        try:
            records = read_areas(file, name_field=name_field, code_field=code_field, crs=crs)
            report = areas_import(records=records, kind=kind, source=source or file.name, parent=parent_area)
        except (AreaReadError, AreaImportError) as exc:
            raise CommandError(str(exc)) from exc
        for w in report.warnings:
            self.stderr.write(self.style.WARNING(f"警告: {w}"))
        self.stdout.write(f"{file.name}: {AreaKind(kind).label} {report.counts}")
