import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geodata.geocoding import (
    OutsideDistrictError,
    check_latlon,
    describe_point,
    described_feature,
    network_index,
    parse_latlon,
)
from geodata.management.commands._inputs import read_input_lines


class Command(BaseCommand):
    help = "把坐标（WGS84 纬度 经度）写成规范的位置描述：“A与B交叉路口向北N米，A西侧”"

    def add_arguments(self, parser):
        parser.add_argument("lat", nargs="?", type=float)
        parser.add_argument("lon", nargs="?", type=float)
        parser.add_argument("--file", type=Path, help="每行一个“纬度,经度”（- 为标准输入）")
        parser.add_argument("--json", action="store_true", help="每条输出一行 GeoJSON Feature")
        parser.add_argument("--no-landmark", action="store_true", help="不附加最近的地标")

    def handle(self, *args, lat=None, lon=None, file=None, no_landmark=False, **options):
        inputs: list[str | tuple[float, float]] = []
        if lat is not None or lon is not None:
            if lat is None or lon is None:
                raise CommandError("需要纬度和经度两个数")
            inputs.append((lat, lon))
        if file is not None:
            inputs += [ln.strip() for ln in read_input_lines(file) if ln.strip()]
        if not inputs:
            raise CommandError("请给出纬度和经度，或用 --file 指定文件")
        index = network_index()
        for item in inputs:
            try:
                if isinstance(item, str):
                    la, lo = parse_latlon(item)
                else:
                    la, lo = item
                    check_latlon(la, lo)
                point, desc = describe_point(lo, la, with_landmark=not no_landmark, index=index)
            except (ValueError, OutsideDistrictError) as exc:
                if options["json"]:
                    self.stdout.write(json.dumps({"type": "Feature", "geometry": None,
                                                  "properties": {"input": str(item), "error": str(exc)}},
                                                 ensure_ascii=False, separators=(",", ":")))
                    continue
                if len(inputs) == 1:
                    raise CommandError(str(exc)) from exc
                self.stderr.write(self.style.ERROR(str(exc)))
                continue
            if options["json"]:
                self.stdout.write(json.dumps(described_feature(lo, la, point, desc), ensure_ascii=False,
                                             separators=(",", ":")))
            else:
                self.stdout.write(desc.text)
