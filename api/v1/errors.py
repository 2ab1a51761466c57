"""Service errors → HTTP: each names the field at fault, with the service's status."""
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ServiceError


def handle(exc, context):
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status)
    return exception_handler(exc, context)
