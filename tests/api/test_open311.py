"""Open311 GeoReport v2, driven the way an external client drives it: every endpoint in
XML and JSON, the documents parsed with ElementTree and json."""
import doctest
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from api.open311 import formats
from api.open311 import serializers as open311_serializers
from org.models import Team
from patrol.models import Problem
from patrol.services.demo import demo_api_key
from patrol.services.problems import problem_transition

BASE = "/open311/v2"
FORMATS = ["xml", "json"]
# On 学院路 just south of 清华东路, inside the demo subdistrict 学院路街道.
INSIDE = {"lat": "39.99912", "long": "116.34636"}
SHANGHAI = {"lat": "31.23", "long": "121.47"}
JURISDICTION = "haidian.xueyuanlu"

db = pytest.mark.django_db


# -- client helpers --------------------------------------------------------------------------
def records(response, fmt) -> list[dict]:
    """The list document as dicts of strings (XML) or JSON values."""
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return response.json()
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(response.content)
    return [{child.tag: child.text or "" for child in item} for item in root]


def root_tag(response) -> str:
    return ET.fromstring(response.content).tag


def error(response, fmt) -> tuple[int, str]:
    """(code, description) of a GeoReport error document, checked against the HTTP status."""
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list) and len(body) == 1
        code, description = body[0]["code"], body[0]["description"]
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "errors" and [e.tag for e in root] == ["error"]
        code, description = int(root.find("error/code").text), root.find("error/description").text
    assert code == response.status_code
    return code, description


def post_request(client, fmt, **fields):
    """POST requests.{fmt}, form-encoded as the spec says."""
    return client.post(f"{BASE}/requests.{fmt}", urlencode(fields), content_type="application/x-www-form-urlencoded")


@pytest.fixture
def api_key(db):
    return demo_api_key()


@pytest.fixture
def csrf_client():
    """A client that enforces CSRF, as a browser-less external system meets the API."""
    from django.test import Client
    return Client(enforce_csrf_checks=True)


def create(client, fmt, api_key, **extra) -> str:
    fields = {"api_key": api_key, "service_code": "0102", "description": "路边暴露垃圾两袋", **INSIDE, **extra}
    response = post_request(client, fmt, **fields)
    assert response.status_code == 200, response.content.decode()
    (created,) = records(response, fmt)
    return created["service_request_id"]


# -- the pure wire format (no database) ------------------------------------------------------
def test_formats_docstring_examples():
    assert doctest.testmod(formats, optionflags=doctest.ELLIPSIS).failed == 0
    assert doctest.testmod(open311_serializers).failed == 0


@pytest.mark.parametrize(("workflow", "expected"), [
    ("reported", "open"), ("dispatched", "open"), ("in_progress", "open"), ("reopened", "open"),
    ("rectified", "closed"), ("verified", "closed"), ("closed", "closed"), ("rejected", "closed"),
    ("duplicate", "closed"),
])
def test_every_workflow_state_maps_to_open_or_closed(workflow, expected):
    assert formats.status_of(workflow) == expected


def test_xml_keeps_chinese_text_and_nests_lists_in_spec_shape():
    service = formats.Service("0405", "供暖管道破裂", "突发事件", "供热单位", 2, ("暖气管道漏水",),
                              formats.attributes_for("04"))
    root = ET.fromstring(formats.render_xml("services", formats.services_doc([service])))
    assert root.tag == "services"
    (element,) = root
    assert element.tag == "service" and element.find("service_name").text == "供暖管道破裂"
    assert element.find("metadata").text == "true" and element.find("group").text == "突发事件"
    definition = ET.fromstring(formats.render_xml("service_definition", formats.service_definition_doc(service)))
    assert [a.find("code").text for a in definition.find("attributes")] == ["affected_households"]
    assert definition.find("attributes/attribute/datatype").text == "number"


def test_json_and_xml_carry_the_same_fields():
    doc = formats.created_doc(request_id=12, token="12-ab", notice="已受理")
    (as_json,) = json.loads(formats.render_json(doc))
    (as_xml,) = ET.fromstring(formats.render_xml("service_requests", doc))
    assert as_xml.tag == "request"
    assert [c.tag for c in as_xml] == list(as_json)


def test_naive_datetimes_are_refused():
    from datetime import datetime
    with pytest.raises(ValueError):
        formats.w3c(datetime(2026, 1, 1))


_line_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=200),
       url=st.sampled_from(["", "http://img.example.cn/a.jpg", "https://x.cn/照片.png"]),
       phone=_line_text, email=_line_text, first=_line_text, last=_line_text)
def test_description_tail_gives_back_text_and_photo_but_never_contacts(text, url, phone, email, first, last):
    stored = formats.compose_description(text, media_url=url, phone=phone, email=email, first_name=first,
                                         last_name=last)
    public, media_url = formats.split_description(stored)
    if formats.TAIL_HEADING not in text:
        assert (public, media_url) == (text.strip(), url)
        # Whatever the client sent besides, it is only in the tail, which is never published.
        assert stored.startswith(public)


def test_a_line_break_in_a_contact_field_cannot_forge_the_photo_link():
    stored = formats.compose_description("x", phone="139\n图片: http://evil.example/")
    assert formats.split_description(stored) == ("x", "")


# -- discovery and services ------------------------------------------------------------------
@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_one_production_georeport_v2_endpoint(client, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        (endpoint,) = body["endpoints"]
        assert body["contact"] and body["key_service"] and body["changeset"]
        formats_listed = endpoint["formats"]
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "discovery" and root.find("contact").text
        (element,) = root.find("endpoints")
        endpoint = {c.tag: c.text for c in element}
        formats_listed = [f.text for f in element.find("formats")]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["type"] == "production" and endpoint["url"].endswith("/open311/v2/")
    assert set(formats_listed) == {"text/xml", "application/json"}


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_categories(client, fmt):
    from patrol.models import Category
    Category.objects.filter(code="0101").update(active=False)
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200
    services = {s["service_code"]: s for s in records(response, fmt)}
    assert set(services) == set(Category.objects.filter(active=True).values_list("code", flat=True))
    assert "0101" not in services
    garbage = services["0103"]
    assert garbage["service_name"] == "积存垃圾渣土" and garbage["group"] == "市容环境"
    assert garbage["type"] == "realtime" and "积存垃圾" in garbage["keywords"].split(",")
    assert str(garbage["metadata"]).lower() == "false"
    assert str(services["0405"]["metadata"]).lower() == "true"  # 突发事件 ask for affected_households


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_of_an_emergency_has_one_attribute(client, fmt):
    response = client.get(f"{BASE}/services/0405.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        assert body["service_code"] == "0405"
        (attribute,) = body["attributes"]
        assert attribute["variable"] is True and attribute["required"] is False
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "service_definition" and root.find("service_code").text == "0405"
        (element,) = root.find("attributes")
        attribute = {c.tag: c.text for c in element}
        assert attribute["variable"] == "true" and attribute["required"] == "false"
    assert attribute["code"] == "affected_households" and attribute["datatype"] == "number"


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_of_an_ordinary_service_has_no_attributes(client, fmt):
    response = client.get(f"{BASE}/services/0102.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == {"service_code": "0102", "attributes": []}
    else:
        assert list(ET.fromstring(response.content).find("attributes")) == []


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_is_a_404_in_spec_format(client, fmt):
    code, description = error(client.get(f"{BASE}/services/9999.{fmt}"), fmt)
    assert code == 404 and "service_code" in description


@db
def test_unknown_format_extension_is_a_400_in_xml(client):
    code, description = error(client.get(f"{BASE}/services.csv"), "xml")
    assert code == 400 and "format" in description


@db
def test_a_path_outside_the_api_is_a_404_in_spec_format(client):
    assert error(client.get(f"{BASE}/services"), "xml")[0] == 404
    assert error(client.get(f"{BASE}/nothing.json"), "json")[0] == 404


@db
def test_accept_header_does_not_override_the_extension(client):
    response = client.get(f"{BASE}/services.xml", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and root_tag(response) == "services"


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_wrong_jurisdiction_is_a_404(client, api_key, fmt):
    assert error(client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "chaoyang"}), fmt)[0] == 404
    before = Problem.objects.count()
    code, description = error(post_request(client, fmt, api_key=api_key, jurisdiction_id="chaoyang",
                                           service_code="0102", **INSIDE), fmt)
    assert code == 404 and "jurisdiction_id" in description
    assert Problem.objects.count() == before
    assert client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": JURISDICTION}).status_code == 200


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_district_code_is_a_jurisdiction_of_its_own(client, api_key, fmt):
    """海淀区 (110108) holds the demo street office; 朝阳区 (110105) holds none of it."""
    rid = create(client, fmt, api_key, jurisdiction_id="110108")
    listed = {r["service_request_id"] for r in records(client.get(f"{BASE}/requests.{fmt}",
                                                                   {"jurisdiction_id": "110108"}), fmt)}
    assert str(rid) in {str(x) for x in listed}
    assert records(client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "110105"}), fmt) == []
    # by id too: another jurisdiction's request is not found there
    assert client.get(f"{BASE}/requests/{rid}.{fmt}", {"jurisdiction_id": "110108"}).status_code == 200
    assert error(client.get(f"{BASE}/requests/{rid}.{fmt}", {"jurisdiction_id": "110105"}), fmt)[0] == 404
    assert records(client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "110105",
                                                         "service_request_id": rid}), fmt) == []
    # a request placed outside the named jurisdiction is refused and nothing is kept
    before = Problem.objects.count()
    code, description = error(post_request(client, fmt, api_key=api_key, jurisdiction_id="110105",
                                           service_code="0102", description="垃圾", **INSIDE), fmt)
    assert code == 400 and "lat/long" in description and "朝阳区" in description
    assert Problem.objects.count() == before
    # placed by its address alone: the error names the parameter the client sent (found in review)
    code, description = error(post_request(client, fmt, api_key=api_key, jurisdiction_id="110105",
                                           service_code="0102", description="垃圾",
                                           address_string="学院路与清华东路交叉路口向南50米，学院路西侧"), fmt)
    assert code == 400 and description.startswith("address_string:") and "朝阳区" in description
    assert Problem.objects.count() == before


# -- POST requests ---------------------------------------------------------------------------
@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_posted_request_is_a_problem_readable_by_id(csrf_client, api_key, fmt):
    response = post_request(csrf_client, fmt, api_key=api_key, jurisdiction_id=JURISDICTION, service_code="0102",
                            description="路边暴露垃圾两袋", media_url="http://img.example.cn/1.jpg",
                            first_name="小明", last_name="王", phone="13800000000", email="wang@example.cn",
                            **INSIDE)
    assert response.status_code == 200, response.content.decode()
    if fmt == "xml":
        assert root_tag(response) == "service_requests"
    (created,) = records(response, fmt)
    request_id = created["service_request_id"]
    assert created["service_notice"] and created["token"]

    problem = Problem.objects.get(pk=int(request_id))
    assert problem.source == "open311" and problem.reporter.username == "open311"
    assert problem.category.code == "0102" and problem.subdistrict.name == "学院路街道"
    assert "13800000000" in problem.description and "王 小明" in problem.description  # officers see it

    (one,) = records(csrf_client.get(f"{BASE}/requests/{request_id}.{fmt}"), fmt)
    (listed,) = records(csrf_client.get(f"{BASE}/requests.{fmt}", {"service_request_id": request_id}), fmt)
    assert one == listed
    assert one["service_request_id"] == request_id and one["status"] == "open"
    assert one["status_notes"] == "已上报" and one["service_code"] == "0102" and one["service_name"] == "暴露垃圾"
    assert one["description"] == "路边暴露垃圾两袋"  # the contact tail stays private
    assert one["media_url"] == "http://img.example.cn/1.jpg"
    assert one["agency_responsible"] == "环境卫生服务中心"
    assert one["address"].startswith("学院路街道，学院路")
    assert abs(float(one["lat"]) - 39.99912) < 1e-5 and abs(float(one["long"]) - 116.34636) < 1e-5
    assert one["requested_datetime"].endswith("+08:00") and one["updated_datetime"]
    # expected = requested + the category's deadline (暴露垃圾: 24 h), to the second.
    from datetime import datetime
    requested, expected = (datetime.fromisoformat(one[k]) for k in ("requested_datetime", "expected_datetime"))
    assert abs((expected - requested) - timedelta(hours=24)) < timedelta(seconds=2)


@db
def test_multipart_post_works_too(client, api_key):
    response = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "0102", **INSIDE})
    assert response.status_code == 200, response.content.decode()


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_token_leads_to_the_request(client, api_key, fmt):
    response = post_request(client, fmt, api_key=api_key, service_code="0102", **INSIDE)
    (created,) = records(response, fmt)
    (found,) = records(client.get(f"{BASE}/tokens/{created['token']}.{fmt}"), fmt)
    assert found == {"service_request_id": created["service_request_id"], "token": created["token"]}
    forged = f"{created['service_request_id']}-00000000000000000000"
    assert error(client.get(f"{BASE}/tokens/{forged}.{fmt}"), fmt)[0] == 404


@db
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_missing_or_invalid_api_key_is_a_403(client, fmt, key):
    fields = {"service_code": "0102", **INSIDE}
    if key is not None:
        fields["api_key"] = key
    before = Problem.objects.count()
    code, description = error(post_request(client, fmt, **fields), fmt)
    assert code == 403 and "api_key" in description
    assert Problem.objects.count() == before


@db
def test_a_revoked_key_is_a_403(client, api_key):
    from api.models import ApiKey
    ApiKey.revoke(ids=[ApiKey.lookup(api_key).pk])
    code, description = error(post_request(client, "json", api_key=api_key, service_code="0102", **INSIDE), "json")
    assert code == 403 and "已吊销" in description


@db
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("fields", "parameter"), [
    ({**INSIDE}, "service_code"),
    ({"service_code": "0102"}, "lat"),
    ({"service_code": "0102", "lat": "39.99912"}, "long"),
    ({"service_code": "0102", "lat": "95", "long": "116.3"}, "lat"),
    ({"service_code": "0102", "lat": "abc", "long": "116.3"}, "lat"),
    ({"service_code": "0102", "address_id": "A-17"}, "address_id"),
    ({"service_code": "0102", "media_url": "not a url", **INSIDE}, "media_url"),
    ({"service_code": "9999", **INSIDE}, "service_code"),
    ({"service_code": "0405", "attribute[affected_households]": "很多", **INSIDE}, "attribute[affected_households]"),
    ({"service_code": "0102", **SHANGHAI}, "lat/long"),
])
def test_bad_request_is_a_400_naming_the_parameter_and_saves_nothing(client, api_key, fmt, fields, parameter):
    before = Problem.objects.count()
    code, description = error(post_request(client, fmt, api_key=api_key, **fields), fmt)
    assert code == 400 and description.startswith(f"{parameter}: "), description
    assert Problem.objects.count() == before


@db
@pytest.mark.parametrize("address", ["学院路与清华东路交叉路口向南50米，学院路西侧",
                                     # the office glued to the road (found in review: read as one road)
                                     "北京市海淀区学院路街道学院路与清华东路交叉路口向南50米，学院路西侧"])
def test_address_string_alone_is_geocoded(client, api_key, address):
    request_id = create(client, "json", api_key, lat="", long="", address_string=address)
    (one,) = client.get(f"{BASE}/requests/{request_id}.json").json()
    assert one["address"] == address
    assert abs(one["lat"] - 39.99918) < 0.0002


@db
def test_emergency_attribute_is_stored(client, api_key):
    request_id = create(client, "json", api_key, service_code="0405", **{"attribute[affected_households]": "120"})
    assert Problem.objects.get(pk=request_id).affected_households == 120


# -- GET requests ----------------------------------------------------------------------------
def _drive_to_closed(problem_id: int) -> None:
    """reported → dispatched → in_progress → rectified → verified → closed, each step by
    the demo user whose role may make it."""
    User = get_user_model()
    lead, officer, supervisor = (User.objects.get(username=u) for u in ("lead1", "officer1", "supervisor1"))
    team = Team.objects.get(name="执法一队")
    problem_transition(actor=lead, problem_id=problem_id, target="dispatched", team_id=team.pk)
    problem_transition(actor=officer, problem_id=problem_id, target="in_progress")
    problem_transition(actor=officer, problem_id=problem_id, target="rectified")
    problem_transition(actor=supervisor, problem_id=problem_id, target="verified")
    problem_transition(actor=supervisor, problem_id=problem_id, target="closed")


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_status_filter_separates_open_and_closed(client, api_key, fmt):
    still_open = create(client, fmt, api_key)
    done = create(client, fmt, api_key, service_code="0103")
    _drive_to_closed(int(done))

    def ids(**params):
        response = client.get(f"{BASE}/requests.{fmt}", params)
        assert response.status_code == 200
        return {r["service_request_id"]: r for r in records(response, fmt)}

    opened, closed, both = ids(status="open"), ids(status="closed"), ids(status="open,closed")
    assert still_open in opened and still_open not in closed
    assert done in closed and done not in opened
    assert closed[done]["status"] == "closed" and closed[done]["status_notes"] == "已办结"
    assert {still_open, done} <= set(both) and set(both) == set(ids())


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_service_code_and_date_window_filter_requests(client, api_key, fmt):
    garbage = create(client, fmt, api_key, service_code="0102")
    dirt = create(client, fmt, api_key, service_code="0103")

    def ids(**params):
        return {r["service_request_id"] for r in records(client.get(f"{BASE}/requests.{fmt}", params), fmt)}

    assert garbage in ids(service_code="0102") and dirt not in ids(service_code="0102")
    assert {garbage, dirt} <= ids(service_code="0102,0103")
    now = timezone.localtime()
    assert {garbage, dirt} <= ids(start_date=(now - timedelta(hours=1)).isoformat(),
                                  end_date=(now + timedelta(hours=1)).isoformat())
    assert not ids(start_date=(now + timedelta(days=1)).isoformat()) & {garbage, dirt}
    assert not ids(end_date=(now - timedelta(days=1)).isoformat()) & {garbage, dirt}
    # Outside the default window of 90 days: moved back for the test.
    Problem.objects.filter(pk=garbage).update(created_at=timezone.now() - timedelta(days=100))
    assert garbage not in ids() and dirt in ids()
    assert garbage in ids(service_request_id=garbage)  # by id, every other filter is ignored


@db
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("params", "parameter"), [
    ({"status": "pending"}, "status"),
    ({"service_request_id": "12,abc"}, "service_request_id"),
    ({"start_date": "yesterday"}, "start_date"),
    ({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"}, "end_date"),
    ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"}, "end_date"),
])
def test_bad_query_is_a_400_naming_the_parameter(client, fmt, params, parameter):
    code, description = error(client.get(f"{BASE}/requests.{fmt}", params), fmt)
    assert code == 400 and description.startswith(f"{parameter}: "), description


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_request_is_a_404(client, fmt):
    assert error(client.get(f"{BASE}/requests/99999999.{fmt}"), fmt)[0] == 404
    assert error(client.get(f"{BASE}/requests/abc.{fmt}"), fmt)[0] == 404


@db
def test_hotline_descriptions_are_not_published(client, api_key):
    request_id = create(client, "json", api_key, description="来电人李女士，电话13900000000")
    Problem.objects.filter(pk=request_id).update(source="hotline")
    (one,) = client.get(f"{BASE}/requests/{request_id}.json").json()
    assert one["description"] == ""


@db
def test_wrong_method_is_a_405_in_spec_format(client):
    assert error(client.delete(f"{BASE}/requests.json"), "json")[0] == 405


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    "/open311/v2/requests/%C2%B2.json",                                    # '²' is a digit to str.isdigit()
    "/open311/v2/requests.json?service_request_id=%C2%B2",
    "/open311/v2/requests.json?start_date=9999-12-01T00:00:00Z",
    "/open311/v2/requests.json?end_date=0001-01-02T00:00:00Z",
    "/open311/v2/tokens/%C2%B2-abc.json",
])
def test_odd_numbers_and_dates_are_client_errors_not_crashes(client, path):
    assert client.get(path).status_code in (400, 404)


# -- text a client should not send, and what it cannot break (found by a review) -------------
def test_a_control_character_in_one_request_leaves_every_xml_document_well_formed(client, api_key):
    create(client, "json", api_key, description="好的请求")
    bad = create(client, "json", api_key, description="坏\x1b请求 & <b>", address_string="学院路\x0b清华东路口")
    for url in (f"{BASE}/requests.xml", f"{BASE}/requests/{bad}.xml", f"{BASE}/foo%01bar.xml"):
        ET.fromstring(client.get(url).content)  # (raises on a document that is not XML)
    (one,) = records(client.get(f"{BASE}/requests/{bad}.xml"), "xml")
    assert one["description"].startswith("坏\ufffd请求 & <b>")


@db  # every Open311 read is counted against its rate, in the database (api.rate_counts)
@pytest.mark.parametrize("url", ["/services/%00.json", "/services/a%00.xml", "/discovery.json?jurisdiction_id=%00",
                                 "/services.xml?jurisdiction_id=a%00", "/requests/1.json?jurisdiction_id=%00",
                                 "/requests.xml?service_code=%00"])
def test_a_nul_in_a_parameter_is_a_400_in_spec_format(client, url):
    client.raise_request_exception = False
    response = client.get(BASE + url)
    code, description = error(response, "json" if ".json" in url else "xml")
    assert code == 400 and "NUL" in description


def test_a_nul_in_a_posted_field_is_a_400_and_nothing_is_created(client, api_key):
    before = Problem.objects.count()
    response = post_request(client, "xml", api_key=api_key, service_code="0102", description="x",
                            jurisdiction_id="\x00", **INSIDE)
    assert error(response, "xml")[0] == 400 and Problem.objects.count() == before


def test_a_form_that_is_not_utf8_is_refused_not_stored_garbled(client, api_key):
    from urllib.parse import quote

    before = Problem.objects.count()
    body = urlencode({"api_key": api_key, "service_code": "0102", **INSIDE}) + "&description=" + quote(
        "路边垃圾".encode("gbk"))
    response = client.post(f"{BASE}/requests.json", body, content_type="application/x-www-form-urlencoded")
    code, description = error(response, "json")
    assert code == 400 and description.startswith("description:") and "UTF-8" in description
    assert Problem.objects.count() == before


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_end_date_equal_to_a_published_requested_datetime_includes_that_request(client, api_key, fmt):
    """end_date is the latest datetime to include (the spec). requested_datetime is published in
    whole seconds, so a client that bounds a window (or walks back past the 1000-row limit) with a
    requested_datetime it was given must get that request back, and those of the same second."""
    request_id = create(client, fmt, api_key)
    Problem.objects.filter(pk=request_id).update(created_at=timezone.now().replace(microsecond=654321))
    (one,) = records(client.get(f"{BASE}/requests/{request_id}.{fmt}"), fmt)
    published = one["requested_datetime"]
    assert "." not in published  # whole seconds, e.g. 2026-12-02T15:49:46+08:00

    listed = records(client.get(f"{BASE}/requests.{fmt}", {"end_date": published}), fmt)
    assert request_id in {r["service_request_id"] for r in listed}
    listed = records(client.get(f"{BASE}/requests.{fmt}", {"start_date": published, "end_date": published}), fmt)
    assert [r["service_request_id"] for r in listed] == [request_id]


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bare_date_end_date_takes_in_that_whole_local_day(client, api_key, fmt):
    """W3C-DTF (the spec's format) has a date alone as a complete date. end_date=2026-03-01 was read
    as 00:00:00 of that day, so start_date=2026-03-01&end_date=2026-03-01 listed nothing of
    1 March, and end_date=2026-03-01 left out all of the day; the problem layer and the tiles read
    a bare end date as its whole local day (Asia/Shanghai), and so does Open311 now."""
    import datetime as dt

    tz = timezone.get_current_timezone()
    at = {"first": dt.datetime(2026, 3, 1, 0, 0, 0, tzinfo=tz), "noon": dt.datetime(2026, 3, 1, 12, 30, tzinfo=tz),
          "last": dt.datetime(2026, 3, 1, 23, 59, 59, 900000, tzinfo=tz),
          "before": dt.datetime(2026, 2, 28, 23, 59, 59, tzinfo=tz), "after": dt.datetime(2026, 3, 2, 0, 0, tzinfo=tz)}
    made = {}
    for name, moment in at.items():
        made[name] = create(client, fmt, api_key)
        Problem.objects.filter(pk=made[name]).update(created_at=moment)

    def names(**params):
        listed = {r["service_request_id"] for r in records(client.get(f"{BASE}/requests.{fmt}", params), fmt)}
        return {name for name, pk in made.items() if pk in listed}

    assert names(start_date="2026-03-01", end_date="2026-03-01") == {"first", "noon", "last"}
    assert names(end_date="2026-03-01") == {"before", "first", "noon", "last"}
    assert names(start_date="2026-03-01", end_date="2026-03-02") == {"first", "noon", "last", "after"}
    assert names(start_date="2026-03-02") == {"after"}
    # a datetime is still the very moment
    assert names(start_date="2026-03-01T00:00:00+08:00", end_date="2026-03-01T12:30:00+08:00") == {"first", "noon"}


@db
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("spelling", ["20260301", "2026-W09-7", "2026-03-01 23:00"])
def test_a_date_spelt_otherwise_than_w3c_dtf_is_refused_not_read_as_its_midnight(client, fmt, spelling):
    """DRF's datetime reading took 20260301 and 2026-W09-7 (1 March) as 1 March 00:00: an
    end_date so spelt left out the whole day a W3C-DTF 2026-03-01 takes in. W3C-DTF is the spec's
    format; the field now reads that (as the problem layer's since/until does) and says so."""
    code, description = error(client.get(f"{BASE}/requests.{fmt}", {"end_date": spelling}), fmt)
    assert code == 400 and description.startswith("end_date") and "ISO 日期" in description


@db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_date_range_of_more_than_90_whole_days_is_refused(client, fmt):
    """The spec's 90 days are the days the range takes in: 1 January to 31 March (90 days) is a
    range, 1 January to 1 April (91 whole days) is not."""
    ok = client.get(f"{BASE}/requests.{fmt}", {"start_date": "2026-01-01", "end_date": "2026-03-31"})
    assert ok.status_code == 200
    refused = client.get(f"{BASE}/requests.{fmt}", {"start_date": "2026-01-01", "end_date": "2026-04-01"})
    assert error(refused, fmt)[0] == 400 and "end_date" in error(refused, fmt)[1]
