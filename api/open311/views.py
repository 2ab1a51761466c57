"""The GeoReport v2 endpoints. Each view validates, calls one selector or service and
renders through ``formats``; every failure is answered as a GeoReport error document
in the format the client asked for (XML when the extension itself is wrong).

External systems call without a session, so the views have no SessionAuthentication
(and no CSRF check); POST requests authenticates with the form's ``api_key``, and the
problem is reported in the name of that key's officer account. Keys are stored hashed
(``api.models.ApiKey``). Reads are throttled per client IP, writes per key
(``api.limits``); a throttled request gets a GeoReport error 429 with ``Retry-After``.
"""
from __future__ import annotations

import math
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework.exceptions import APIException, Throttled
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from api.auth import ApiKeyAuthentication
from api.limits import (
    FormParser,
    MultiPartParser,
    Open311ReadThrottle,
    Open311WriteThrottle,
    check_declared_length,
)
from api.models import ApiKey
from core.commands import KEY_FIELD, fingerprint, run_once
from core.errors import Conflict, Forbidden, ServiceError
from patrol.models.problems import Source
from patrol.services.problems import problem_create

from . import formats, selectors
from .serializers import RequestCreateInput, RequestsQuery, _is_id, attribute_values

JURISDICTION_ID = getattr(settings, "OPEN311_JURISDICTION_ID", "haidian.xueyuanlu")
CONTACT = getattr(settings, "OPEN311_CONTACT", "海淀区学院路街道城管办（Open311 接入）")
KEY_SERVICE = getattr(settings, "OPEN311_KEY_SERVICE",
                      "API Key 由学院路街道城管办在管理后台（Open311 API Keys）签发，每个外部系统一个")
# When this interface last changed (discovery's changeset); bump it with the interface.
CHANGESET = datetime(2026, 11, 26, tzinfo=UTC)

# Service errors name our fields; the client knows the spec's parameters.
PARAMETER_OF_FIELD = {"category": "service_code", "location": "lat/long", "location_text": "address_string",
                      "affected_households": "attribute[affected_households]"}


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


def _refuse_unreadable_text(request, kwargs) -> None:
    """A parameter with a NUL (PostgreSQL refuses it in any string) or with text that was not
    UTF-8 (a GBK form decodes to U+FFFD and would be stored as garbage) is refused, named."""
    values = [*kwargs.items(), *((k, v) for k, vs in request.query_params.lists() for v in vs)]
    if request.method == "POST":
        values += [(k, v) for k, vs in request.data.lists() for v in vs] if hasattr(request.data, "lists") else []
    for name, value in values:
        if not isinstance(value, str):
            continue  # (an uploaded file)
        if "\x00" in value:
            raise Open311Error(400, f"{name}: 不能包含 NUL 字符")
        if "\ufffd" in value:
            raise Open311Error(400, f"{name}: 不是 UTF-8 文本，请以 UTF-8 编码提交")


def _respond(fmt: str, root: str, doc, status: int = 200, headers: dict | None = None) -> HttpResponse:
    return HttpResponse(formats.render(fmt, root, doc), status=status, content_type=formats.CONTENT_TYPES[fmt],
                        headers=headers)


class _FirstRenderer(BaseContentNegotiation):
    """The format is the URL's extension, never the Accept header (DRF would answer 406)."""

    def select_parser(self, request, parsers):
        check_declared_length(request)  # 413 before an oversized body is read
        for parser in parsers:
            if request.content_type.startswith(parser.media_type):
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Open311View(APIView):
    authentication_classes = (ApiKeyAuthentication,)
    permission_classes = ()
    throttle_classes = (Open311ReadThrottle, Open311WriteThrottle)
    parser_classes = (FormParser, MultiPartParser)
    renderer_classes = (JSONRenderer,)  # unused: the views answer with finished documents
    content_negotiation_class = _FirstRenderer

    def initial(self, request, *args, **kwargs):
        fmt = kwargs.get("fmt", "")
        self.fmt = fmt if fmt in formats.CONTENT_TYPES else "xml"
        super().initial(request, *args, **kwargs)
        if fmt not in formats.CONTENT_TYPES:
            raise Open311Error(400, f"format: 不支持 {fmt!r}，请用 .xml 或 .json")
        _refuse_unreadable_text(request, kwargs)
        # The whole service (JURISDICTION_ID, or none given), or one district or street
        # office by its area code: then only its requests are listed, and new ones must
        # lie inside it.
        jurisdiction = self._param(request, "jurisdiction_id")
        self.area_ids = None
        if jurisdiction and jurisdiction != JURISDICTION_ID:
            area = selectors.jurisdiction_area(jurisdiction)
            if area is None:
                raise Open311Error(404, f"jurisdiction_id: 未知辖区 {jurisdiction!r}，本服务的辖区为 "
                                        f"{JURISDICTION_ID}，或区、街道的区划代码")
            self.area_name = area.name
            self.area_ids = selectors.jurisdiction_area_ids(area)

    @staticmethod
    def _param(request, name: str) -> str:
        value = request.query_params.get(name)
        if value is None and request.method == "POST":
            value = request.data.get(name)
        return (value or "").strip()

    def handle_exception(self, exc):
        fmt = getattr(self, "fmt", "xml")
        headers = None
        if isinstance(exc, Throttled) and exc.wait is not None:
            headers = {"Retry-After": str(math.ceil(exc.wait))}
        if isinstance(exc, Open311Error):
            code, description = exc.code, exc.description
        elif isinstance(exc, ServiceError):
            # A key whose account may not report is the caller's fault (403); everything
            # else the service rejects is about the request's content.
            code = 403 if isinstance(exc, Forbidden) and exc.field == "non_field_errors" else \
                409 if isinstance(exc, Conflict) else 400
            param = PARAMETER_OF_FIELD.get(exc.field, exc.field)
            if param == "lat/long" and not self._param(self.request, "lat"):
                param = "address_string"  # the point was read from the address the client sent
            description = exc.message if param == "non_field_errors" else f"{param}: {exc.message}"
        elif isinstance(exc, APIException):  # unparsable or oversized body, wrong method, throttled
            code, description = exc.status_code, str(exc.detail)
        else:
            raise exc
        return _respond(fmt, "errors", formats.errors_doc(code, description), status=code, headers=headers)


def _first_error(errors: dict) -> Open311Error:
    field, messages = next(iter(errors.items()))
    message = messages[0] if isinstance(messages, list) else messages
    return Open311Error(400, f"{field}: {message}" if field != "non_field_errors" else str(message))


def _valid(serializer):
    if not serializer.is_valid():
        raise _first_error(serializer.errors)
    return serializer


def request_token(request_id: int) -> str:
    """A token for GET tokens/{token}: the id and a keyed digest of it, so a token
    cannot be made up for someone else's request id."""
    digest = salted_hmac("api.open311.token", str(request_id)).hexdigest()[:20]
    return f"{request_id}-{digest}"


def request_id_of_token(token: str) -> int | None:
    head, _, _ = token.partition("-")
    if not _is_id(head) or not constant_time_compare(token, request_token(int(head))):
        return None
    return int(head)


# -- views -----------------------------------------------------------------------------------
class Discovery(Open311View):
    def get(self, request, fmt):
        base = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
        doc = formats.discovery_doc(url=base, changeset=CHANGESET, contact=CONTACT, key_service=KEY_SERVICE)
        return _respond(fmt, "discovery", doc)


class ServiceList(Open311View):
    def get(self, request, fmt):
        return _respond(fmt, "services", formats.services_doc(selectors.services()))


class ServiceDefinition(Open311View):
    def get(self, request, code, fmt):
        service = selectors.service(code)
        if service is None:
            raise Open311Error(404, f"service_code: 未知服务 {code!r}")
        return _respond(fmt, "service_definition", formats.service_definition_doc(service))


def _api_key_user(request):
    """The account of the request's valid key (found by ApiKeyAuthentication), or a 403
    saying what is wrong with the key."""
    if isinstance(request.auth, ApiKey):
        return request.user
    key = (request.data.get("api_key") or "").strip()
    if not key:
        raise Open311Error(403, "api_key: 缺少 API Key")
    api_key = ApiKey.lookup(key)
    if api_key is not None and not api_key.active:
        raise Open311Error(403, "api_key: API Key 已吊销")
    raise Open311Error(403, "api_key: API Key 无效或已停用")


def _attributes(service: formats.Service, sent: dict[str, list[str]]) -> dict:
    """Values of the service's attributes; attributes it does not define are ignored."""
    values = {}
    for attribute in service.attributes:
        raw = [v.strip() for v in sent.get(attribute.code, []) if v.strip()]
        param = f"attribute[{attribute.code}]"
        if not raw:
            if attribute.required:
                raise Open311Error(400, f"{param}: 必填")
            continue
        if attribute.datatype == "number":
            if len(raw) > 1 or not _is_id(raw[0]) or int(raw[0]) > 1_000_000:
                raise Open311Error(400, f"{param}: 应为非负整数")
            values[attribute.code] = int(raw[0])
    return values


class Requests(Open311View):
    def get(self, request, fmt):
        query = _valid(RequestsQuery(data=request.query_params))
        d = query.validated_data
        start, end = (None, None) if d.get("service_request_id") else query.window(timezone.now())
        found = selectors.service_requests(ids=d.get("service_request_id"), codes=d.get("service_code"),
                                           start=start, end=end, statuses=d.get("status"), area_ids=self.area_ids)
        return _respond(fmt, "service_requests", formats.requests_doc(found))

    def post(self, request, fmt):
        user = _api_key_user(request)
        d = _valid(RequestCreateInput(data=request.data)).validated_data
        service = selectors.service(d["service_code"])
        if service is None:
            raise Open311Error(400, f"service_code: 未知服务 {d['service_code']!r}")
        attributes = _attributes(service, attribute_values(request.data))
        description = formats.compose_description(
            d["description"], media_url=d["media_url"], first_name=d["first_name"], last_name=d["last_name"],
            phone=d["phone"], email=d["email"], device_id=d["device_id"], account_id=d["account_id"])

        def create():
            problem, _ = problem_create(
                actor=user, category_code=service.code, lon=d.get("long"), lat=d.get("lat"),
                location_text=d["address_string"].strip() or None, description=description, source=Source.OPEN311,
                affected_households=attributes.get("affected_households"))
            if self.area_ids is not None and problem.subdistrict_id not in self.area_ids:
                # rolled back: a request for one jurisdiction is not kept in another
                where = "lat/long" if d.get("lat") is not None else "address_string"  # what the client sent
                raise Open311Error(400, f"{where}: 位置不在辖区 {self.area_name} 内")
            notice = f"已受理，由{service.agency}处置，处置时限 {service.deadline_hours} 小时"
            return 200, {"request_id": problem.pk, "notice": notice}

        key = request.headers.get(KEY_FIELD)
        if key:  # exactly once under the caller's id (core.commands): a retry answers the first answer
            body = {k: request.data.getlist(k) if hasattr(request.data, "getlist") else request.data[k]
                    for k in sorted(request.data.keys()) if k != "api_key"}
            body["jurisdiction_id"] = self._param(request, "jurisdiction_id")
            _, created, _ = run_once(actor=user, key=key, scope="POST open311/v2/requests", execute=create,
                                     body_hash=fingerprint(body))
        else:
            with transaction.atomic():
                _, created = create()
        doc = formats.created_doc(request_id=created["request_id"], token=request_token(created["request_id"]),
                                  notice=created["notice"])
        return _respond(fmt, "service_requests", doc)


class RequestDetail(Open311View):
    def get(self, request, request_id, fmt):
        found = (selectors.service_request(int(request_id), area_ids=self.area_ids)
                 if _is_id(request_id) else None)
        if found is None:
            raise Open311Error(404, f"service_request_id: 没有编号为 {request_id!r} 的请求")
        return _respond(fmt, "service_requests", formats.requests_doc([found]))


class Token(Open311View):
    def get(self, request, token, fmt):
        request_id = request_id_of_token(token)
        if request_id is None or selectors.service_request(request_id, area_ids=self.area_ids) is None:
            raise Open311Error(404, f"token: 未知令牌 {token!r}")
        return _respond(fmt, "service_requests", formats.token_doc(request_id=request_id, token=token))


class NotFound(Open311View):
    """Anything else under the API root: a GeoReport 404, not Django's HTML page."""

    def initial(self, request, *args, **kwargs):
        self.fmt = "json" if kwargs.get("path", "").endswith(".json") else "xml"
        APIView.initial(self, request, *args, **kwargs)

    def get(self, request, path):
        raise Open311Error(404, f"没有资源 {request.path}，请从 discovery.xml 开始")

    post = get
