"""OpenAPI schema hooks.

- `only_api_v1`: the schema describes /api/v1/ only (Open311 has its own spec).
- `error_responses`: every operation declares the errors it can answer, each as
  `application/problem+json` (api/v1/errors.py), so that a client generated from the
  schema knows every status code it may meet:
    400 a request the schema refuses (a parameter or body field), 401 not signed in (on a
    public operation: credentials sent and refused, such as a revoked token), 403 signed
    in but not allowed, 404 a path id that does not exist (or is outside the
    jurisdiction), 409 a conflict with the current state or a reused Idempotency-Key,
    413 a body over the size limit, 415 a body of another media type, 422 a well-formed
    request that cannot be carried out (an unknown category, a point outside the district,
    a team that does not serve the area …), 429 too many requests (with Retry-After).
"""
from __future__ import annotations

PROBLEM = "ProblemDetails"
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "错误（RFC 9457 problem details）",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "invalid / unprocessable / not_authenticated / forbidden / "
                                                  "not_found / conflict / too_large / throttled / "
                                                  "other_officer（X-Field-Officer 与当前登录账号不符）…"},
        "detail": {"type": "string"},
        "field": {"type": ["string", "null"], "description": "出错的字段；空：整个请求"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "request_id": {"type": ["string", "null"]},
    },
    "required": ["type", "title", "status", "code", "detail", "field", "errors", "request_id"],
}
DESCRIPTIONS = {
    "400": "请求参数或内容不符合接口定义（field 指出字段）",
    "401": "未登录或令牌无效",
    "403": "无权执行（角色或辖区）",
    "404": "对象（路径或请求体中的编号）不存在或不在您的辖区内；或页码超出范围",
    "409": "与对象当前状态冲突，或客户端编号已用于另一请求",
    "413": "请求体过大",
    "415": "不支持的内容类型",
    "422": "请求格式正确但无法执行（field 指出原因所在的字段）",
    "429": "请求过于频繁（见 Retry-After）",
    "503": "数据库暂时不可用，请按 Retry-After 稍后重试（写操作用同一 Idempotency-Key 重试是安全的）",
}
PUBLIC_401 = "无需登录；但请求带有的令牌无效（已吊销、格式错误）或登录信息不符时拒绝"
WRITE_METHODS = {"post", "put", "patch"}


def only_api_v1(endpoints):
    return [e for e in endpoints if e[0].startswith("/api/v1/")]


def _codes(path: str, method: str, operation: dict) -> list[str]:
    public = {} in operation.get("security", [{}])
    # 401 on a public operation too: credentials it need not have are still checked when sent
    # (a revoked or malformed token, another officer's X-Field-Officer).
    codes = ["400", "401", "429", "503"]
    if not public or method in WRITE_METHODS:
        codes.append("403")
    if "{" in path or method in WRITE_METHODS or any(p.get("name") == "page" for p in operation.get("parameters", [])):
        codes.append("404")  # an id (in the path or the body) that is not there, or a page past the last
    if method in WRITE_METHODS:
        codes += ["409", "413", "415", "422"]
    elif not public:
        codes.append("422")
    return codes


# What DRF's input fields accept, said in the schema so that generated clients (and
# schemathesis) send only what the server takes:
TEXT = r"^[^\u0000]*$"  # CharField refuses NUL characters
# ... and, when not blank, text that is all whitespace (it trims first). Python's strip()
# also takes \x1c-\x1f and \x85, which a pattern's \s does not cover: name them.
VISIBLE_TEXT = r"^[^\u0000]*[^\s\u0000\u001c-\u001f\u0085][^\u0000]*$"
UUID = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"


def _is_string(schema: dict) -> bool:
    kind = schema.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def _exact_input(schema: dict) -> None:
    if not _is_string(schema) or "enum" in schema:
        return
    fmt = schema.get("format")
    if fmt is None and "pattern" not in schema:
        schema["pattern"] = VISIBLE_TEXT if schema.get("minLength", 0) >= 1 else TEXT
    elif fmt == "uuid":
        schema["pattern"] = UUID
    elif fmt == "decimal" and "pattern" in schema:
        # DRF's pattern allows "-." and ""; at least one digit before the point
        schema["pattern"] = schema["pattern"].replace(r"\d{0,", r"\d{1,", 1)


def _request_schemas(schemas: dict) -> None:
    for name, schema in schemas.items():
        if not name.endswith("Request"):
            continue
        for prop in schema.get("properties", {}).values():
            _exact_input(prop)
            if isinstance(prop.get("items"), dict):
                _exact_input(prop["items"])


# Rules across fields that a serializer's validate() checks, in the schema's words.
EXTRA_RULES = {
    "ProblemCreateInputRequest": {
        "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
        "anyOf": [{"required": ["lat", "lon"]},
                  {"required": ["location_text"], "properties": {"location_text": {"pattern": VISIBLE_TEXT}}}],
    },
    # PATCH refuses a key it cannot edit (400 naming it) rather than ignore it.
    "PatchedProblemUpdateInputRequest": {"additionalProperties": False},
}

# Where the id a write answers with can be used next (OpenAPI links): generated clients and
# schemathesis' stateful phase follow them (create a problem → dispatch it → record an outcome …).
LINKS = {
    "problems_create": ["problems_retrieve", "problems_partial_update", "problems_transition_create",
                        "problems_photos_create", "problems_outcomes_create", "problems_escalations_create",
                        "problems_reinspections_create"],
    "problems_outcomes_create": ["outcomes_photos_create"],
    "outcomes_create": ["outcomes_photos_create"],
    "problems_escalations_create": ["escalations_respond_create"],
    "problems_reinspections_create": ["reinspections_complete_create"],
    "inspections_create": ["inspections_retrieve"],
    "shifts_create": ["shifts_retrieve", "shifts_start_create", "shifts_end_create", "shifts_fixes_create"],
}


def _exact_query(operation: dict) -> None:
    for param in operation.get("parameters", []):
        if param.get("in") == "query":
            schema = param.get("schema", {})
            _exact_input(schema)
            if isinstance(schema.get("items"), dict):
                _exact_input(schema["items"])


def _links(result: dict) -> None:
    operations = {op["operationId"]: op for ops in result.get("paths", {}).values() for op in ops.values()
                  if isinstance(op, dict) and "operationId" in op}
    for source, targets in LINKS.items():
        op = operations.get(source)
        if op is None:
            continue
        ok = next((code for code in ("201", "200") if code in op.get("responses", {})), None)
        if ok is None:
            continue
        op["responses"][ok]["links"] = {
            target: {"operationId": target, "parameters": {"id": "$response.body#/id"}}
            for target in targets if target in operations}


URI_TOO_LONG = {"description": "请求行过长（超过 4094 字节），由 HTTP 服务器在应用之前拒绝",
                "content": {"text/html": {"schema": {"type": "string"}}}}


def error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _request_schemas(schemas)
    for name, schema in schemas.items():
        # The answers' shapes (api/v1/shapes.py) are closed: a key the views add without
        # declaring it is a contract failure, not a silent extra.
        if name.endswith(("Out", "Page")) and schema.get("type") == "object":
            schema["additionalProperties"] = False
    for name, rules in EXTRA_RULES.items():
        if name in schemas:
            schemas[name].update(rules)
    _links(result)
    schemas[PROBLEM] = PROBLEM_SCHEMA
    content = {"application/problem+json": {"schema": {"$ref": f"#/components/schemas/{PROBLEM}"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            _exact_query(operation)
            responses = operation.setdefault("responses", {})
            anonymous = {} in operation.get("security", [{}])
            for code in _codes(path, method, operation):
                description = PUBLIC_401 if code == "401" and anonymous else DESCRIPTIONS[code]
                responses.setdefault(code, {"description": description, "content": content})
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                responses.setdefault("414", URI_TOO_LONG)
    return result
