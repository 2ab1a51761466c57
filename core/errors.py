"""Errors the services raise: each names the field at fault and the HTTP status it maps to."""


class ServiceError(Exception):
    """A request that is well formed but cannot be carried out as asked (an unknown
    category, a point outside the district, a team that does not serve the area): HTTP 422.
    Malformed requests never reach a service: the API's input serializers answer 400."""

    status = 422

    def __init__(self, message: str, *, field: str = "non_field_errors"):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        return {self.field: [self.message]}


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


class NotFound(ServiceError):
    status = 404
