"""Open311 GeoReport v2 documents as plain data, and their XML and JSON spellings.

GeoReport v2 (http://wiki.open311.org/GeoReport_v2) lets other systems — a city 12345
platform, a resident app — list the problem categories (*services*), report a problem
(*service request*) and follow it. Every resource comes in XML (required by the spec)
and JSON, with the same field names; this module builds the documents from frozen
dataclasses and writes them out, without Django, so the whole wire format is tested
without a database.

A problem's nine workflow states fold into GeoReport's two: a request is ``open``
while the problem is still on the street (``patrol.domain.workflow.OPEN_STATES``:
已上报, 已派遣, 处置中, 已重启) and ``closed`` once the street is fixed or the report
is settled (已整改, 已核查, 已办结, 不予立案, 重复上报). ``status_notes`` carries the
Chinese label, so a client still sees 已整改 (awaiting the supervisor's check) apart
from 已办结.

>>> status_of("in_progress"), status_of("rectified"), status_of("duplicate")
('open', 'closed', 'closed')
>>> doc = errors_doc(400, "service_code: 必填")
>>> render_json(doc).decode()
'[{"code": 400, "description": "service_code: 必填"}]'
>>> print(render_xml("errors", doc).decode())
<?xml version="1.0" encoding="UTF-8"?>
<errors><error><code>400</code><description>service_code: 必填</description></error></errors>

What a client sent beyond the description (photo link, name, phone, e-mail) is kept
in a tail of the stored description, where officers read it; the public GET answers
give back only the text and the photo link, never the contact details:

>>> stored = compose_description("门口堆了三袋垃圾", media_url="http://x.cn/1.jpg", phone="13800000000")
>>> print(stored)
门口堆了三袋垃圾
<BLANKLINE>
【Open311 提交信息】
图片: http://x.cn/1.jpg
电话: 13800000000
>>> split_description(stored)
('门口堆了三袋垃圾', 'http://x.cn/1.jpg')
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from core.domain.xml_text import xml_text
from patrol.domain.workflow import OPEN_STATES, STATUS_LABELS

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MIME_TYPES = ("text/xml", "application/json")  # as discovery lists them

# The big class whose services ask for one extra field (GB/T 30428.2 04: emergencies).
EMERGENCY_BIG_CLASS_CODE = "04"

# Tag of each element of a list, by the tag of the list (the spec's XML shapes).
ITEM_TAGS = {
    "services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
    "formats": "format", "attributes": "attribute", "values": "value",
}


# -- data ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attribute:
    """One extra form field of a service (spec: service definition attribute)."""

    code: str
    description: str
    datatype: str = "string"  # string | number | datetime | text | singlevaluelist | multivaluelist
    required: bool = False
    order: int = 1
    datatype_description: str = ""
    variable: bool = True


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    group: str
    agency: str
    deadline_hours: int
    keywords: tuple[str, ...] = ()
    attributes: tuple[Attribute, ...] = ()


@dataclass(frozen=True)
class ServiceRequest:
    id: int
    workflow_status: str
    service_code: str
    service_name: str
    description: str  # public part only (see split_description)
    agency: str
    requested: datetime
    updated: datetime
    expected: datetime | None
    address: str
    lon: float
    lat: float
    media_url: str = ""
    duplicate_of: int | None = None


AFFECTED_HOUSEHOLDS = Attribute(
    code="affected_households", datatype="number", order=1,
    description="影响户数（如停水、停暖、燃气泄漏波及的住户数）",
    datatype_description="非负整数，不清楚可不填")


def attributes_for(big_class_code: str) -> tuple[Attribute, ...]:
    """The extra fields a service of this big class asks for.

    >>> [a.code for a in attributes_for("04")], attributes_for("01")
    (['affected_households'], ())
    """
    return (AFFECTED_HOUSEHOLDS,) if big_class_code == EMERGENCY_BIG_CLASS_CODE else ()


def status_of(workflow_status: str) -> str:
    """GeoReport's ``open`` / ``closed`` for a workflow state (see the module docstring)."""
    return "open" if workflow_status in OPEN_STATES else "closed"


def w3c(moment: datetime | None) -> str | None:
    """A W3C datetime with its offset, whole seconds, as the spec asks.

    >>> from datetime import timezone, timedelta
    >>> w3c(datetime(2026, 3, 1, 9, 30, 5, 123, tzinfo=timezone(timedelta(hours=8))))
    '2026-03-01T09:30:05+08:00'
    """
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("GeoReport datetimes need a time zone")
    return moment.replace(microsecond=0).isoformat()


# -- documents (the same nested data for both formats) -----------------------------------
def discovery_doc(*, url: str, changeset: datetime, contact: str, key_service: str) -> dict:
    """The service discovery file: one production GeoReport v2 endpoint."""
    return {
        "changeset": w3c(changeset), "contact": contact, "key_service": key_service,
        "endpoints": [{"specification": SPECIFICATION, "url": url, "changeset": w3c(changeset),
                       "type": "production", "formats": list(MIME_TYPES)}],
    }


def service_entry(s: Service) -> dict:
    return {"service_code": s.code, "service_name": s.name,
            "description": f"{s.group} · {s.name}，主责单位：{s.agency}，处置时限 {s.deadline_hours} 小时",
            "metadata": bool(s.attributes), "type": "realtime", "keywords": ",".join(s.keywords),
            "group": s.group}


def services_doc(services: list[Service]) -> list[dict]:
    return [service_entry(s) for s in services]


def attribute_entry(a: Attribute) -> dict:
    return {"variable": a.variable, "code": a.code, "datatype": a.datatype, "required": a.required,
            "datatype_description": a.datatype_description, "order": a.order, "description": a.description}


def service_definition_doc(s: Service) -> dict:
    return {"service_code": s.code, "attributes": [attribute_entry(a) for a in s.attributes]}


def status_notes(r: ServiceRequest) -> str:
    """The workflow state in words, naming the original of a duplicate.

    >>> r = ServiceRequest(7, "duplicate", "0102", "暴露垃圾", "", "", None, None, None, "", 0.0, 0.0,
    ...                    duplicate_of=3)
    >>> status_notes(r)
    '重复上报（同 3 号请求）'
    """
    label = STATUS_LABELS.get(r.workflow_status, r.workflow_status)
    if r.duplicate_of is not None:
        return f"{label}（同 {r.duplicate_of} 号请求）"
    return label


def request_entry(r: ServiceRequest) -> dict:
    return {
        "service_request_id": str(r.id), "status": status_of(r.workflow_status), "status_notes": status_notes(r),
        "service_name": r.service_name, "service_code": r.service_code, "description": r.description,
        "agency_responsible": r.agency, "service_notice": None,
        "requested_datetime": w3c(r.requested), "updated_datetime": w3c(r.updated),
        "expected_datetime": w3c(r.expected), "address": r.address, "address_id": None, "zipcode": None,
        "lat": round(r.lat, 6), "long": round(r.lon, 6), "media_url": r.media_url or None,
    }


def requests_doc(requests: list[ServiceRequest]) -> list[dict]:
    return [request_entry(r) for r in requests]


def created_doc(*, request_id: int, token: str, notice: str) -> list[dict]:
    """The answer to POST requests: the new id straight away (realtime), and a token too."""
    return [{"service_request_id": str(request_id), "token": token, "service_notice": notice, "account_id": None}]


def token_doc(*, request_id: int, token: str) -> list[dict]:
    return [{"service_request_id": str(request_id), "token": token}]


def errors_doc(code: int, *descriptions: str) -> list[dict]:
    return [{"code": code, "description": d} for d in descriptions]


# -- writing -------------------------------------------------------------------------------
def render_json(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _text(value) -> str:
    """A value as XML text.

    >>> _text("路边\x1b垃圾"), _text(True), _text(None)
    ('路边\ufffd垃圾', 'true', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_text(str(value))  # (one control character would make the whole list unreadable)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS[element.tag]
        for child in value:
            _fill(ET.SubElement(element, item_tag), child)
    else:
        element.text = _text(value)


def render_xml(root: str, doc) -> bytes:
    """``doc`` under a ``root`` element; lists become repeated children (``ITEM_TAGS``),
    ``None`` an empty element, booleans ``true``/``false``.

    >>> print(render_xml("discovery", {"formats": ["text/xml"], "contact": None}).decode())
    <?xml version="1.0" encoding="UTF-8"?>
    <discovery><formats><format>text/xml</format></formats><contact /></discovery>
    """
    element = ET.Element(root)
    _fill(element, doc)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="unicode").encode("utf-8")


def render(fmt: str, root: str, doc) -> bytes:
    """``fmt`` is ``"json"`` or ``"xml"``; ``root`` names the XML root element."""
    if fmt == "json":
        return render_json(doc)
    if fmt == "xml":
        return render_xml(root, doc)
    raise ValueError(f"unsupported format {fmt!r}")


# -- the description tail -----------------------------------------------------------------
TAIL_HEADING = "【Open311 提交信息】"
_TAIL_FIELDS = (("media_url", "图片"), ("name", "联系人"), ("phone", "电话"), ("email", "邮箱"),
                ("device_id", "设备"), ("account_id", "账号"))


def _one_line(value: str) -> str:
    # A value with a line break could forge another tail line (a fake 图片 link).
    return " ".join((value or "").split())


def compose_description(text: str, *, media_url: str = "", first_name: str = "", last_name: str = "",
                        phone: str = "", email: str = "", device_id: str = "", account_id: str = "") -> str:
    """The text, then a tail with whatever else the client sent (Chinese name order).

    >>> compose_description("井盖缺失")
    '井盖缺失'
    >>> print(compose_description("", first_name="小明", last_name="王", email="w@x.cn"))
    【Open311 提交信息】
    联系人: 王 小明
    邮箱: w@x.cn
    """
    values = {"media_url": media_url, "name": f"{_one_line(last_name)} {_one_line(first_name)}", "phone": phone,
              "email": email, "device_id": device_id, "account_id": account_id}
    lines = [f"{label}: {_one_line(values[key])}" for key, label in _TAIL_FIELDS if _one_line(values[key])]
    text = (text or "").strip()
    if not lines:
        return text
    tail = "\n".join([TAIL_HEADING, *lines])
    return f"{text}\n\n{tail}" if text else tail


def split_description(stored: str) -> tuple[str, str]:
    """(public text, media_url) of a stored description; text without a tail is all public.

    >>> split_description("路面塌陷约一平方米")
    ('路面塌陷约一平方米', '')
    >>> split_description("【Open311 提交信息】\\n电话: 139")
    ('', '')
    """
    stored = stored or ""
    if stored.startswith(TAIL_HEADING + "\n"):
        text, tail = "", stored[len(TAIL_HEADING) + 1:]
    else:
        text, sep, tail = stored.rpartition(f"\n\n{TAIL_HEADING}\n")
        if not sep:
            return stored, ""
    media_url = ""
    for line in tail.splitlines():
        if line.startswith("图片: "):
            media_url = line[len("图片: "):].strip()
    return text, media_url
