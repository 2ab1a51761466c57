"""Errors the services raise: each names the field at fault and the HTTP status it maps to."""


class ServiceError(Exception):
    status = 400

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
