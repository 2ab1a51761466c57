"""What an audit event is said of, as a person reads it.

The log stores a subject as "app.model" (core.audit.subject_of), or as a named type for what
is no record of its own (an import of people, a road network import). The 管理后台 shows the
model's Chinese name instead: "patrol.problem #36" reads 问题 #36.
"""
from __future__ import annotations

from django.apps import apps

# Subjects that are no record of their own (patrol.services.demo, geodata.services.network_import).
OTHER_SUBJECTS = {"org.people": "人员名册", "geodata.network": "路网"}


def subject_label(subject_type: str) -> str:
    """The model's Chinese name, a named non-record subject, or the stored type as a last resort."""
    if subject_type in OTHER_SUBJECTS:
        return OTHER_SUBJECTS[subject_type]
    try:
        return str(apps.get_model(subject_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return subject_type
