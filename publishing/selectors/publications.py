"""Reading publications: what a user may see, a problem's exposures (曝光), the entries
a draft would list."""
from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from geodata.selectors.areas import area_ancestor_ids
from geodata.services.geometry import to_wgs84
from org.domain import permissions
from org.selectors import jurisdiction_area_ids, officer_of

from ..domain.listing import numbered
from ..exporters.document import ListDocument, ListLine, chinese_date, period_text
from ..models import Publication, PublicationItem, PublicationStatus


def publications_visible_to(user):
    """Lists of areas inside the user's jurisdiction: published ones for every role, drafts
    only for those who may publish; and the published lists of the areas that hold the
    jurisdiction (a district's list names a subdistrict's problems, and their pages link to it:
    published, it is the district's public word, while a draft of it is the district's own)."""
    officer = officer_of(user)
    inside = Q(area_id__in=jurisdiction_area_ids(officer))
    if not permissions.can(officer.role, "publish_list"):
        inside &= Q(status=PublicationStatus.PUBLISHED)
    above = Q(area_id__in=area_ancestor_ids(officer.jurisdiction), status=PublicationStatus.PUBLISHED)
    return Publication.objects.filter(inside | above).select_related("area")


def with_line_counts(publications):
    """`lines` on each publication: how many lines it has (items merged into another's line are
    not lines), counted by the database for a whole list of publications in one query."""
    return publications.annotate(lines=Count("items", filter=Q(items__position__isnull=False))).order_by(
        *Publication._meta.ordering)  # a GROUP BY query leaves Meta.ordering out


def publication_items(publication: Publication):
    """The lines of a list, in order (items merged into another's line are not lines)."""
    return (PublicationItem.objects.filter(publication=publication, position__isnull=False)
            .select_related("problem__category", "problem__subdistrict").order_by("position"))


def line_problem_ids(publication: Publication) -> dict[int, list[int]]:
    """For each line (its item id): the problems it lists, its own first."""
    rows = list(PublicationItem.objects.filter(publication=publication).order_by("id")
                .values_list("pk", "merged_into_id", "problem_id"))
    out: dict[int, list[int]] = {pk: [problem] for pk, merged_into, problem in rows if merged_into is None}
    for _, merged_into, problem in rows:
        if merged_into is not None:
            out[merged_into].append(problem)
    return out


def problem_exposures(problem):
    """The published items that exposed a problem (曝光), earliest first; empty when the
    problem was never on a published list."""
    return (PublicationItem.objects.filter(problem=problem, publication__status=PublicationStatus.PUBLISHED)
            .select_related("publication__area", "merged_into").order_by("publication__published_at", "id"))


def in_areas(area_ids, prefix: str = "") -> Q:
    """Problems that lie in one of the areas: by their subdistrict, community or grid (a list
    may be drawn up for any of the three)."""
    ids = list(area_ids)
    return (Q(**{f"{prefix}subdistrict_id__in": ids}) | Q(**{f"{prefix}community_id__in": ids})
            | Q(**{f"{prefix}grid_id__in": ids}))


def latest_exposures(area_ids):
    """For each problem in `area_ids` on a published list: its latest published item."""
    latest: dict[int, PublicationItem] = {}
    items = (PublicationItem.objects.filter(in_areas(area_ids, "problem__"),
                                            publication__status=PublicationStatus.PUBLISHED)
             .select_related("problem__category", "problem__subdistrict", "publication")
             .order_by("publication__published_at", "id"))
    for item in items:
        latest[item.problem_id] = item
    return latest


def frozen_lines(text: str) -> list[str]:
    """The numbered lines of a frozen text: a new line starts at the next number ("2. "), so a
    line break inside a line (frozen before lines were kept to one line) stays in its line.

    >>> frozen_lines("1. 甲街道，A路\\nB路西侧，积存垃圾。\\n2. 乙街道，C路，堆物堆料。")
    ['1. 甲街道，A路\\nB路西侧，积存垃圾。', '2. 乙街道，C路，堆物堆料。']
    """
    lines: list[str] = []
    for piece in text.split("\n"):
        if lines and not piece.startswith(f"{len(lines) + 1}. "):
            lines[-1] += "\n" + piece
        else:
            lines.append(piece)
    return lines


def publication_document(publication: Publication) -> ListDocument:
    """The publication as the exporters take it: the frozen text of a published list, the
    current preview of a draft; each line with its problem's point (WGS84; a published list's
    as it was when published)."""
    items = list(publication_items(publication))
    if publication.is_published:
        texts = frozen_lines(publication.text)
    else:
        texts = [numbered(i.position, i.body) for i in items]
    lines = []
    for text, item in zip(texts, items, strict=False):
        point = item.point or item.problem.geom  # (a published item keeps its point of the day)
        lon, lat = to_wgs84(point).coords[0] if point else (None, None)
        lines.append(ListLine(text, lat, lon))
    published = timezone.localtime(publication.published_at).date() if publication.published_at else None
    return ListDocument(title=publication.title, number=publication.number, area=publication.area.name,
                        period=period_text(publication.period_from, publication.period_to), lines=tuple(lines),
                        published_at=chinese_date(published) if published else "", checksum=publication.checksum)
