"""Serializer fields shared by the API's modules (no import of them, so any may use these)."""
from rest_framework import serializers


class QueryIntegerField(serializers.IntegerField):
    """A whole number in a query string, in ASCII digits: DRF's IntegerField also reads "1.0"
    as 1, which the paginator (reading the parameter itself) then takes for no page at all."""

    def to_internal_value(self, data):
        if not (isinstance(data, str) and data.isascii() and data.isdigit()):
            self.fail("invalid")
        return super().to_internal_value(data)
