"""How much one client may ask of the APIs: request rates (throttles) and body sizes (parsers).

Rates are per scope in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (settings, each from an
environment variable), counted in PostgreSQL (api.rate_counts: one statement per counted
request), so that all the server's workers count a client together; Django's default cache,
which Django REST framework counts in, is one process's memory. A throttled request is
answered 429 with ``Retry-After``.

- ``anon``: the public /api/v1/ reads (locate, describe, the ground layers), per client IP,
  for callers who are not signed in; signed-in officers are not counted.
- ``open311_read``: every Open311 GET, per client IP.
- ``open311_write``: Open311 POSTs, per API key (per IP when the key is missing or invalid,
  so guessing keys is counted too).

The client IP is ``REMOTE_ADDR``, or the address the trusted proxies put in
X-Forwarded-For (``NUM_PROXIES``); a header the client writes itself is never believed.

Bodies: a JSON or form body declared longer than ``DATA_UPLOAD_MAX_MEMORY_SIZE``, and a
multipart body (files) declared longer than ``API_UPLOAD_MAX_BYTES``, is a 413 before it is
read (``ContentNegotiation``), and Django's other limits (multipart fields'
size, ``DATA_UPLOAD_MAX_NUMBER_FIELDS``, ``DATA_UPLOAD_MAX_NUMBER_FILES``) become API errors
(413, 400 naming the limit) instead of Django's HTML 400 page. A body that cannot be read at
all (not JSON, not UTF-8, a multipart body without its boundary) is a 400 saying so in Chinese:
Django REST framework's own parsers say it in English ("JSON parse error - …").
"""
from __future__ import annotations

import codecs
from json import JSONDecodeError

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework import exceptions, parsers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.utils import json

from .domain.rates import wait_s
from .models import ApiKey
from .rate_counts import rate_count_hit


# -- rates -------------------------------------------------------------------------------------
class _RatesFromSettings:
    # DRF copies the rates into the class when it is imported; read them on each request
    # instead, so that settings changed later (override_settings in tests) apply.
    @property
    def THROTTLE_RATES(self):  # noqa: N802 (DRF's name)
        return api_settings.DEFAULT_THROTTLE_RATES

    # Counted in the database (api.rate_counts), not in DRF's cache: DRF's `cache`, `history`
    # and `throttle_success` are not used. Who counts as one client is still DRF's
    # `get_cache_key`, below and in AnonRateThrottle.
    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        self.count = rate_count_hit(key=key, now=self.now, limit=self.num_requests, duration=self.duration)
        return self.count.allowed

    def wait(self):
        return wait_s(self.count, now=self.now, limit=self.num_requests, duration=self.duration)


class AnonymousThrottle(_RatesFromSettings, AnonRateThrottle):
    """Public reads, per IP, for callers who are not signed in."""

    scope = "anon"


class Open311ReadThrottle(_RatesFromSettings, SimpleRateThrottle):
    scope = "open311_read"

    def get_cache_key(self, request, view):
        if request.method == "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class Open311WriteThrottle(_RatesFromSettings, SimpleRateThrottle):
    """Per API key: one external system cannot use up another's share behind the same
    address. Requests without a valid key share their IP's bucket."""

    scope = "open311_write"

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        ident = f"key{request.auth.pk}" if isinstance(request.auth, ApiKey) else f"ip{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


# -- sizes -------------------------------------------------------------------------------------
class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "请求体过大"
    default_code = "request_too_large"


def check_declared_length(request) -> None:
    """A 413 for a JSON or form body declared longer than DATA_UPLOAD_MAX_MEMORY_SIZE, or a
    multipart one longer than API_UPLOAD_MAX_BYTES.

    Multipart bodies carry files, which Django streams to disk and the services size-check
    (photos: 10 MB); Django applies DATA_UPLOAD_MAX_MEMORY_SIZE to their form fields only
    (``MultiPartParser`` below), so the whole body has its own, larger cap. Django reads no
    multipart body without a Content-Length, and never past it.
    """
    multipart = (request.content_type or "").startswith("multipart/")
    limit = settings.API_UPLOAD_MAX_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise RequestTooLarge(f"请求体 {length} 字节，超过上限 {limit} 字节")


class ContentNegotiation(DefaultContentNegotiation):
    # DRF picks the parser right before it reads a JSON or form body through request.body,
    # where Django would refuse an oversized one with RequestDataTooBig: an exception no API
    # error handler knows, answered with Django's HTML "400 Bad Request". Refusing here, on
    # the declared length, answers 413 in the API's own format before a byte is read.
    def select_parser(self, request, parsers):
        check_declared_length(request)
        return super().select_parser(request, parsers)


def _too_many(exc) -> exceptions.ParseError:
    if isinstance(exc, TooManyFilesSent):
        return exceptions.ParseError(f"文件过多（上限 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个）")
    return exceptions.ParseError(f"表单字段过多（上限 {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} 个）")


class JSONParser(parsers.JSONParser):
    # DRF's own: ParseError("JSON parse error - Expecting value: line 1 column 1 (char 0)").
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.load(codecs.getreader(encoding)(stream),
                             parse_constant=json.strict_constant if self.strict else None)
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(f"请求体不是 {encoding.upper()} 编码的文本") from exc
        except JSONDecodeError as exc:
            raise exceptions.ParseError(f"请求体不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列有误") from exc
        except ValueError as exc:  # NaN or Infinity (strict JSON), a number too long to read
            raise exceptions.ParseError("请求体不是有效的 JSON：含有 JSON 不允许的数值") from exc


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except TooManyFieldsSent as exc:
            raise _too_many(exc) from exc


class MultiPartParser(parsers.MultiPartParser):
    # DRF's own, but its ParseError("Multipart form parse error - Invalid boundary …") in Chinese.
    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        meta = {**request.META, "CONTENT_TYPE": media_type}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            data, files = DjangoMultiPartParser(meta, stream, request.upload_handlers, encoding).parse()
            return parsers.DataAndFiles(data, files)
        except MultiPartParserError as exc:
            raise exceptions.ParseError("请求体不是有效的文件上传表单，无法读取") from exc
        except RequestDataTooBig as exc:
            raise RequestTooLarge(f"表单字段超过上限 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} 字节") from exc
        except (TooManyFieldsSent, TooManyFilesSent) as exc:
            raise _too_many(exc) from exc
