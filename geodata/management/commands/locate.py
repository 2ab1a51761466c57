import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geodata.geocoding import locate, located_feature, network_index
from geodata.management.commands._inputs import read_input_lines


class Command(BaseCommand):
    help = "把位置描述（如“学院路与清华东路交叉路口向南50米，学院路西侧”）定位到路网上的点"

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="*", help="位置描述；可给多条")
        parser.add_argument("--file", type=Path, help="每行一条位置描述（- 为标准输入）")
        parser.add_argument("--json", action="store_true", help="每条输出一行 GeoJSON Feature")
        parser.add_argument("--parse-only", action="store_true", help="只解析，不定位")

    def handle(self, *args, text, file=None, parse_only=False, **options):
        as_json = options["json"]
        lines = list(text)
        if file is not None:
            lines += read_input_lines(file)
        if not lines:
            raise CommandError("请给出位置描述，或用 --file 指定文件")
        index = None if parse_only else network_index()
        for line in lines:
            located = locate(line, index=index, parse_only=parse_only)
            if as_json:
                self.stdout.write(_dumps(located_feature(located)))
            else:
                self._print_human(located)

    def _print_human(self, located):
        p = located.parsed
        self.stdout.write(f"输入: {located.text}")
        fields = {k: v for k, v in p.to_dict().items() if v not in (None, [], {}, False) and k not in
                  ("spans", "warnings", "errors")}
        self.stdout.write("解析: " + "，".join(f"{k}={v}" for k, v in fields.items()))
        for m in p.errors:
            self.stdout.write(self.style.ERROR(f"  错误 [{m.span.start}:{m.span.end}] {m.message}"))
        r = located.result
        if r is None:
            return
        if r.point is None:
            self.stdout.write(self.style.ERROR(f"未能定位: {r.error}"))
            return
        feature = located_feature(located)
        lon, lat = feature["geometry"]["coordinates"]
        self.stdout.write(f"位置: 纬度 {lat:.6f}，经度 {lon:.6f}（WGS84），误差约 {r.uncertainty_m:g} 米，"
                          f"精度 {r.precision}，置信度 {r.confidence:.2f}")
        self.stdout.write("步骤: " + " → ".join(r.steps))
        for w in r.warnings:
            self.stdout.write(self.style.WARNING(f"  注意: {w}"))
        if located.description:
            self.stdout.write(f"规范描述: {located.description.text}")
        self.stdout.write("")


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
