"""OpenAPI schema hooks: the schema describes /api/v1/ only (Open311 has its own spec)."""


def only_api_v1(endpoints):
    return [e for e in endpoints if e[0].startswith("/api/v1/")]
