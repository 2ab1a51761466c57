"""A shift's stored coverage: a summary, or the covered intervals as GeoJSON (WGS84)."""
import json

from django.core.management.base import BaseCommand, CommandError

from shifts.models import Shift
from shifts.selectors.coverage import shift_coverage_geojson


class Command(BaseCommand):
    help = "输出班次的路段覆盖（--geojson：覆盖区间的 GeoJSON，与 API 相同）"

    def add_arguments(self, parser):
        parser.add_argument("--shift", type=int, required=True, help="班次编号")
        parser.add_argument("--geojson", action="store_true", help="输出 GeoJSON FeatureCollection")

    def handle(self, *args, shift, geojson=False, **options):
        s = Shift.objects.filter(pk=shift).first()
        if s is None:
            raise CommandError(f"班次 {shift} 不存在")
        data = shift_coverage_geojson(s)
        if geojson:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        m = data["summary"]
        share = "—" if m["covered_share"] is None else f"{m['covered_share']:.1%}"
        self.stdout.write(f"班次 {shift}：计划路段 {m['segments_planned']} 条（{m['planned_m']:.0f} 米），"
                          f"已覆盖 {m['segments_covered']} 条，计划长度覆盖 {share}；"
                          f"有覆盖的路段 {m['segments_touched']} 条，共 {m['covered_m']:.0f} 米")
