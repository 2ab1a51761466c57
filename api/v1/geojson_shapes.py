"""The GeoJSON the public map and location endpoints answer, as OpenAPI shapes.

These serializers are never used to serialise anything: the bodies are built in PostGIS
(geodata/selectors/layers.py, patrol/selectors/layers.py) or by geodata/geocoding.py
(`located_feature`, `described_feature`). They name, for /api/v1/schema/, every key those
builders write, its type and whether it can be null, so that a client (and the contract
test, tests/api/test_geojson_contract.py) can hold the answers to them. Every object is
closed (`additionalProperties: false`): a key added to a builder without its shape here
fails the contract test rather than slipping out undocumented.

Positions are [longitude, latitude] in WGS84 (RFC 7946), 7 decimals. Docstrings of the
shapes are their descriptions in the schema, hence in Chinese.
"""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from geodata.location.types import ANCHOR_KINDS
from geodata.models import AreaKind
from patrol.domain.workflow import STATUS_CHOICES

# What GeocodeResult.precision can be (geodata/location/geocode.py).
PRECISIONS = ("offset", "intersection", "landmark", "road", "area", "none")


# A shape whose schema lists every key: no key outside it (additionalProperties false). No
# docstring: drf-spectacular would print it as the description of every shape without its own.
class ClosedShape(serializers.Serializer):
    pass


class ClosedShapeExtension(OpenApiSerializerExtension):
    target_class = ClosedShape
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        return schema


def _const(value: str) -> serializers.Field:
    """The one string a key always holds ("Feature", "Point"…): a JSON Schema `const`."""

    @extend_schema_field({"type": "string", "const": value})
    class Const(serializers.CharField):
        pass

    return Const()


def _enum(*values: str, **kwargs) -> serializers.Field:
    """A string that is one of `values` (an enum component named after the key)."""

    @extend_schema_field({"type": "string", "enum": list(values)})
    class Enum(serializers.CharField):
        pass

    return Enum(**kwargs)


def _choices(choices, **kwargs) -> serializers.Field:
    """One of labelled `choices`, inlined as `oneOf` consts with their labels as titles: an
    enum component would be named after the key, and "kind" is taken by photos' kinds."""

    @extend_schema_field({"type": "string", "oneOf": [{"const": v, "title": str(label)} for v, label in choices]})
    class Choice(serializers.CharField):
        pass

    return Choice(**kwargs)


def _position() -> serializers.ListField:
    return serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2,
                                 help_text="[经度, 纬度]（WGS84）")


def _collection_of(feature: type[serializers.Serializer], name: str, doc: str) -> type[ClosedShape]:
    return type(name, (ClosedShape,), {
        "__doc__": doc,
        "__module__": __name__,
        "type": _const("FeatureCollection"),
        "features": feature(many=True),
    })


def unprocessable(description: str) -> dict:
    """The 422 an operation declares: a request the schema allows that cannot be answered
    (`application/problem+json`, the ProblemDetails component of api/v1/schema.py)."""
    return {(422, "application/problem+json"): OpenApiResponse(
        {"$ref": "#/components/schemas/ProblemDetails"}, description=description)}


# -- geometries -------------------------------------------------------------------------
class PointGeometry(ClosedShape):
    type = _const("Point")
    coordinates = _position()


class MultiLineStringGeometry(ClosedShape):
    type = _const("MultiLineString")
    coordinates = serializers.ListField(
        child=serializers.ListField(child=_position(), min_length=2), min_length=1)


class MultiPolygonGeometry(ClosedShape):
    type = _const("MultiPolygon")
    coordinates = serializers.ListField(  # polygons → rings (closed: first = last) → positions
        child=serializers.ListField(child=serializers.ListField(child=_position(), min_length=4), min_length=1),
        min_length=1)


# -- the ground layers (geodata/selectors/layers.py) ----------------------------------------
class RoadProperties(ClosedShape):
    name = serializers.CharField()
    highway = serializers.CharField(help_text="OSM 道路等级")
    length_m = serializers.FloatField()


class RoadFeature(ClosedShape):
    type = _const("Feature")
    id = serializers.IntegerField()
    geometry = MultiLineStringGeometry()
    properties = RoadProperties()


class IntersectionProperties(ClosedShape):
    name = serializers.CharField()
    roundabout = serializers.BooleanField()
    roads = serializers.ListField(child=serializers.CharField(), help_text="相交道路的名称，按名称排序")


class IntersectionFeature(ClosedShape):
    type = _const("Feature")
    id = serializers.IntegerField()
    geometry = PointGeometry()
    properties = IntersectionProperties()


class AreaProperties(ClosedShape):
    name = serializers.CharField()
    code = serializers.CharField(allow_blank=True, help_text="官方区划代码；没有时为空字符串")
    kind = _choices(AreaKind.choices)
    generated = serializers.BooleanField(help_text="演示用生成边界，非官方")
    source = serializers.CharField(allow_blank=True)


class AreaFeature(ClosedShape):
    type = _const("Feature")
    id = serializers.IntegerField()
    geometry = MultiPolygonGeometry()
    properties = AreaProperties()


def _layer_page_of(feature: type[serializers.Serializer], name: str, doc: str) -> type[ClosedShape]:
    """A page of a ground layer: the problems layer's counters, the next page's URL, the features."""
    return type(name, (ClosedShape,), {
        "__doc__": doc,
        "__module__": __name__,
        "type": _const("FeatureCollection"),
        "numberMatched": serializers.IntegerField(  # the OGC API Features keys, as ProblemCollection
            allow_null=True, min_value=0, help_text="匹配总数（不分页）；超过 numberMatchedCap 时为 null"),
        "numberMatchedCap": serializers.IntegerField(min_value=1),
        "numberReturned": serializers.IntegerField(min_value=0),
        "truncated": serializers.BooleanField(help_text="本页之后还有（在 limit 处截断），见 next"),
        "limit": serializers.IntegerField(min_value=1),
        "next": serializers.URLField(allow_null=True, help_text="下一页的地址（同样的查询，after 为本页最后一条的编号）；"
                                                                "没有下一页时为 null"),
        "features": feature(many=True),
    })


RoadCollection = _layer_page_of(RoadFeature, "RoadCollection", "道路图层的一页：每条道路一个 Feature，按编号从小到大。")
IntersectionCollection = _layer_page_of(IntersectionFeature, "IntersectionCollection", "路口图层的一页，按编号从小到大。")
AreaCollection = _layer_page_of(AreaFeature, "AreaCollection", "行政区划图层的一页，按编号从小到大。")


# -- the location language (geodata/geocoding.py) -------------------------------------------
class ParseMessage(ClosedShape):
    span = serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=2, max_length=2,
                                 help_text="[起, 止) 字符位置")
    message = serializers.CharField()
    code = serializers.CharField(required=False, help_text="仅当需要程序区分时给出，如 internal（解析器自身的错误）")


class ParsedLandmark(ClosedShape):
    name = serializers.CharField()
    direction = serializers.CharField(allow_null=True)
    distance_m = serializers.FloatField(allow_null=True)
    relation = serializers.CharField()


# "from" is a Python keyword: the class is made from a mapping of its fields.
ParsedSegment = type("ParsedSegment", (ClosedShape,), {
    "__doc__": "路段：某路（甲路至乙路）", "__module__": __name__,
    "road": serializers.CharField(allow_null=True, help_text="所在道路；从甲路起的路段（甲路到某村路段）为 null"),
    "from": serializers.CharField(), "to": serializers.CharField()})


class ParsedLocation(ClosedShape):
    """解析结果：从位置描述中读出的各部分（键同 fixtures/locations_dev.jsonl 的标注）。"""

    district = serializers.CharField(allow_null=True)
    subdistrict = serializers.CharField(allow_null=True)
    road_a = serializers.CharField(allow_null=True)
    road_b = serializers.CharField(allow_null=True)
    anchor_kind = _enum(*ANCHOR_KINDS)
    anchor_relation = serializers.CharField(allow_null=True)
    direction = serializers.CharField(allow_null=True)
    distance_m = serializers.FloatField(allow_null=True)
    approximate = serializers.BooleanField()
    corner = serializers.CharField(allow_null=True)
    road = serializers.CharField(allow_null=True)
    side_road = serializers.CharField(allow_null=True)
    side = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    segment = ParsedSegment(allow_null=True)
    landmarks = ParsedLandmark(many=True)
    problems = serializers.ListField(child=serializers.CharField())
    spans = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=2, max_length=2),
        help_text="字段名（或 landmarks[i] / problems[i]）→ [起, 止) 字符位置")
    warnings = ParseMessage(many=True)
    errors = ParseMessage(many=True)


class LocateCandidate(ClosedShape):
    label = serializers.CharField()
    score = serializers.FloatField()
    coordinates = _position()


class LocatedProperties(ClosedShape):
    """input 和 parse 总有；其余键仅在定位时给出（parse_only 时没有）。"""

    input = serializers.CharField(allow_blank=True)
    parse = ParsedLocation()
    text = serializers.CharField(required=False, allow_null=True, help_text="该点按发布格式写回的位置描述")
    precision = _enum(*PRECISIONS, required=False)
    uncertainty_m = serializers.FloatField(required=False, allow_null=True)
    confidence = serializers.FloatField(required=False, min_value=0, max_value=1)
    road = serializers.CharField(required=False, allow_null=True)
    road_id = serializers.IntegerField(required=False, allow_null=True)
    segment_id = serializers.IntegerField(required=False, allow_null=True)
    measure_m = serializers.FloatField(required=False, allow_null=True, help_text="沿路段距起点的米数")
    side = serializers.CharField(required=False, allow_null=True)
    intersection_id = serializers.IntegerField(required=False, allow_null=True)
    steps = serializers.ListField(child=serializers.CharField(), required=False)
    warnings = serializers.ListField(child=serializers.CharField(), required=False)
    candidates = LocateCandidate(many=True, required=False)
    error = serializers.CharField(required=False, allow_null=True)


class LocatedFeature(ClosedShape):
    """一条位置描述的定位结果；未能定位（或 parse_only）时 geometry 为 null。"""

    type = _const("Feature")
    geometry = PointGeometry(allow_null=True)
    properties = LocatedProperties()


LocatedCollection = _collection_of(LocatedFeature, "LocatedCollection", "批量定位：与输入顺序相同。")


class DescribedProperties(ClosedShape):
    text = serializers.CharField()
    subdistrict = serializers.CharField(allow_null=True)
    road = serializers.CharField(allow_null=True)
    cross_road = serializers.CharField(allow_null=True)
    direction = serializers.CharField(allow_null=True)
    distance_m = serializers.IntegerField(allow_null=True)
    side = serializers.CharField(allow_null=True)
    landmark = serializers.CharField(allow_null=True)
    road_id = serializers.IntegerField(allow_null=True)
    intersection_id = serializers.IntegerField(allow_null=True)
    distance_to_road_m = serializers.FloatField(allow_null=True)


class DescribedFeature(ClosedShape):
    type = _const("Feature")
    geometry = PointGeometry()
    properties = DescribedProperties()


# -- the problems layer (patrol/selectors/layers.py) ----------------------------------------
class ProblemProperties(ClosedShape):
    id = serializers.IntegerField()
    category = serializers.CharField(help_text="类别代码")
    category_name = serializers.CharField()
    status = serializers.ChoiceField(choices=STATUS_CHOICES)
    status_label = serializers.CharField()
    location_text = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    team = serializers.IntegerField(allow_null=True, help_text="承办班组编号（队员只能处置本班组承办的问题）")


class ProblemFeature(ClosedShape):
    type = _const("Feature")
    id = serializers.IntegerField()
    geometry = PointGeometry()
    properties = ProblemProperties()


class ProblemCollection(ClosedShape):
    """框内的问题，从新到旧，顶层带 OGC API Features 的计数。"""

    type = _const("FeatureCollection")
    numberMatched = serializers.IntegerField(  # the OGC API Features keys
        allow_null=True, min_value=0, help_text="匹配总数；超过 numberMatchedCap 时为 null")
    numberMatchedCap = serializers.IntegerField(min_value=1)
    numberReturned = serializers.IntegerField(min_value=0)
    truncated = serializers.BooleanField(help_text="匹配的多于返回的（在 limit 处截断）")
    limit = serializers.IntegerField(min_value=1)
    features = ProblemFeature(many=True)
