"""Writing publications: draft a list, reorder it, edit a line, publish it.

Each service checks the actor (role `publish_list`, the area inside their jurisdiction),
writes in one transaction and records one audit event in it. A published list is
refused before the database is asked (Conflict); the database refuses too (triggers in
publishing.0001), so nothing else can change it either.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from core import audit
from core.domain.verbs import Verb
from core.errors import Conflict, Forbidden, NotFound, ServiceError
from core.models import AuditEvent
from geodata.models import Area
from geodata.selectors.areas import area_descendant_ids
from org.domain import permissions
from org.selectors import in_jurisdiction, officer_of
from patrol.domain.workflow import STATUS_LABELS, Status
from patrol.models import Problem, Reinspection
from patrol.models.problems import Source

from ..domain.listing import (
    DONE,
    FAILED,
    PASSED,
    REOPENED,
    Entry,
    followup_for,
    issue_number,
    line_body,
    merge_entries,
    numbered,
    problem_phrase,
    strip_number,
    tidy,
)
from ..models import Publication, PublicationItem, PublicationStatus
from ..selectors.publications import in_areas, latest_exposures, publication_items

MAX_LINE = 500
# Left out of a list unless asked for by status: a report that was not a problem.
_NOT_LISTED = (Status.REJECTED, Status.DUPLICATE)
# pg_advisory_xact_lock's key (with 0): one publish at a time.
_NUMBERING_LOCK = 7010


def _officer_for(actor, area: Area):
    officer = officer_of(actor)
    why = permissions.denial(officer.role, "publish_list", in_jurisdiction=in_jurisdiction(officer, area))
    if why:
        raise Forbidden(why.replace("该问题", "该区域"))
    return officer


def entry_for(problem: Problem, followup: str | None = None) -> Entry:
    return Entry(problem.subdistrict.name, problem.location_text, (problem_phrase(problem.category.name),),
                 followup)


def _latest_since(exposed: dict[int, PublicationItem]) -> dict[int, str]:
    """For each exposed problem, what happened last since its latest publication: a re-inspection
    completed (PASSED / FAILED), the problem verified or closed from an open state (DONE), or
    reopened (REOPENED), as its audit trail records the transitions."""
    since = {pid: item.publication.published_at for pid, item in exposed.items()}
    latest: dict[int, tuple] = {}

    def note(pid: int, at, what: str) -> None:
        if at > since[pid] and (pid not in latest or at >= latest[pid][0]):
            latest[pid] = (at, what)

    for r in (Reinspection.objects.filter(problem_id__in=list(since), done_at__isnull=False, passed__isnull=False)
              .only("problem_id", "passed", "done_at")):
        note(r.problem_id, r.done_at, PASSED if r.passed else FAILED)
    dealt = [Status.VERIFIED, Status.CLOSED]
    moves = (AuditEvent.objects.filter(subject_type=Problem._meta.label_lower, verb=Verb.TRANSITIONED,
                                       subject_id__in=[str(pid) for pid in since])
             .filter((Q(after__status__in=dealt) & ~Q(before__status__in=dealt)) | Q(after__status=Status.REOPENED))
             .only("subject_id", "at", "after"))
    for e in moves:
        note(int(e.subject_id), e.at, REOPENED if e.after.get("status") == Status.REOPENED else DONE)
    return {pid: what for pid, (_, what) in latest.items()}


def _stale(items: Sequence[PublicationItem]) -> str | None:
    """Why a draft's problems are no longer what it was drafted from (a list published since
    exposed one of them, one is no longer a problem, or what happened to a problem since its
    latest publication is no longer the follow-up the draft reports), or None."""
    ids = [i.problem_id for i in items]
    exposed = (PublicationItem.objects.filter(problem_id__in=ids, publication__status=PublicationStatus.PUBLISHED)
               .select_related("publication").order_by("publication__published_at", "id"))
    latest = {e.problem_id: e for e in exposed}
    happened = _latest_since({i.problem_id: latest[i.problem_id] for i in items
                              if i.followup_of_id is not None and i.problem_id in latest})
    for i in items:
        now = latest.get(i.problem_id)
        if (now.pk if now else None) != i.followup_of_id:
            where = now.publication.number if now else "（无）"
            return f"问题#{i.problem_id}的曝光情况已变（最近一次：{where}），请重新生成草稿"
        if i.followup_of_id is not None:
            # a re-inspection recorded, or the problem reopened, after the draft was made
            marker = followup_for(latest_since=happened.get(i.problem_id), status=i.problem.status) or ""
            if marker != i.followup:
                return (f"问题#{i.problem_id}的复查情况已变（现为：{marker or '无复查结果'}，草稿为：{i.followup}），"
                        "请重新生成草稿")
        if i.followup_of_id is None and i.problem.status in _NOT_LISTED and i.problem.status not in (
                i.publication.statuses or ()):
            return f"问题#{i.problem_id}已{STATUS_LABELS[i.problem.status]}，请重新生成草稿"
    return None


def _order_key(problem: Problem):
    return (problem.subdistrict.code or "", problem.subdistrict.name, problem.created_at, problem.pk)


def draft_create(*, actor, area_id: int, period_from: dt.date, period_to: dt.date,
                 sources: Sequence[str] = (), statuses: Sequence[str] = (), title: str = "未诉先办") -> Publication:
    """A draft list of the problems found in `area` (and below) between the two dates (in
    local time, both included), of the given sources and statuses (empty: all sources; all
    statuses but 不予立案 and 重复上报), ordered by subdistrict then time found. Problems on
    an earlier published list are not listed again as new; those re-inspected since come
    back as follow-ups (复查: 已整改 / 整改不到位) after the new ones: what happened to each
    since its latest publication decides (`_latest_since`, `followup_for`)."""
    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        raise ServiceError("区域不存在", field="area")
    _officer_for(actor, area)
    if period_from > period_to:
        raise ServiceError("起始日期不能晚于截止日期", field="period_from")
    bad = [s for s in sources if s not in Source.values]
    if bad:
        raise ServiceError(f"未知来源 {bad[0]!r}", field="sources")
    bad = [s for s in statuses if s not in STATUS_LABELS]
    if bad:
        raise ServiceError(f"未知状态 {bad[0]!r}", field="statuses")
    title = tidy(title)  # one line: the exports print it as their heading
    if not title:
        raise ServiceError("请填写标题", field="title")
    area_ids = area_descendant_ids(area.pk)
    exposed = latest_exposures(area_ids)
    qs = (Problem.objects.filter(in_areas(area_ids), created_at__date__gte=period_from,
                                 created_at__date__lte=period_to)
          .exclude(pk__in=list(exposed)).select_related("category", "subdistrict"))
    qs = qs.filter(source__in=list(sources)) if sources else qs
    qs = qs.filter(status__in=list(statuses)) if statuses else qs.exclude(status__in=_NOT_LISTED)
    new = sorted(qs, key=_order_key)
    happened = _latest_since(exposed)
    followups = []
    for problem_id, item in exposed.items():
        marker = followup_for(latest_since=happened.get(problem_id), status=item.problem.status)
        if marker:
            followups.append((item, marker))
    followups.sort(key=lambda pair: _order_key(pair[0].problem))
    with transaction.atomic():
        pub = Publication.objects.create(title=title, area=area, period_from=period_from,
                                         period_to=period_to, sources=list(sources), statuses=list(statuses),
                                         created_by=actor)
        chosen = [(p, None, None) for p in new] + [(item.problem, marker, item) for item, marker in followups]
        lines, merged = [], []
        for position, (entry, held) in enumerate(merge_entries([entry_for(p, m) for p, m, _ in chosen]), start=1):
            problem, marker, origin = chosen[held[0]]
            line = PublicationItem(publication=pub, position=position, problem=problem,
                                   generated_text=line_body(entry), followup=marker or "", followup_of=origin)
            lines.append(line)
            merged += [(line, chosen[i]) for i in held[1:]]
        PublicationItem.objects.bulk_create(lines)
        PublicationItem.objects.bulk_create([
            PublicationItem(publication=pub, position=None, merged_into=line, problem=problem, generated_text="",
                            followup=marker or "", followup_of=origin)
            for line, (problem, marker, origin) in merged])
        audit.record(actor=actor, verb=Verb.CREATED, subject=pub, after={
            "title": pub.title, "area": area.pk, "period_from": period_from.isoformat(),
            "period_to": period_to.isoformat(), "sources": list(sources), "statuses": list(statuses),
            "problems": [p.pk for p, _, _ in chosen], "lines": len(lines), "followups": len(followups)})
    return pub


def _draft_for_update(actor, publication_id: int) -> Publication:
    pub = Publication.objects.select_for_update().select_related("area").filter(pk=publication_id).first()
    if pub is None:
        raise NotFound("清单不存在", field="publication")
    _officer_for(actor, pub.area)
    if pub.is_published:
        raise Conflict(f"{pub.number}已发布，不能修改", field="publication")
    return pub


def line_edit(*, actor, item_id: int, text: str, expected_text: str | None = None) -> PublicationItem:
    """Change a line's wording (without its number). The generated text stays; the edit
    and who made it are kept on the item and, before and after, in the audit log. Text
    equal to the generated one reverts the edit.

    `expected_text`: the line's edited text as the editor's page showed it ("" for none);
    when another's edit was saved since, the change is refused (Conflict), not written over it."""
    if any(c in text.strip() for c in "\r\n\u2028\u2029"):
        raise ServiceError("一个条目只能有一行文字", field="text")
    body = strip_number(tidy(text))
    if not body:
        raise ServiceError("请填写条目文字", field="text")
    if len(body) > MAX_LINE:
        raise ServiceError(f"条目文字不能超过{MAX_LINE}字", field="text")
    with transaction.atomic():
        item = PublicationItem.objects.select_related("publication").filter(pk=item_id).first()
        if item is None:
            raise NotFound("清单条目不存在", field="item")
        pub = _draft_for_update(actor, item.publication_id)
        item = PublicationItem.objects.select_for_update().get(pk=item_id)
        if item.merged_into_id is not None:
            raise ServiceError("该问题与同一地点的其他问题合写为一行，请修改那一行", field="item")
        before = item.body
        if body == before:
            return item
        if expected_text is not None and item.edited_text != expected_text:
            raise Conflict(f"第{item.position}条已被他人修改（现为：{before}），请刷新页面后再改",
                           field="text")
        edited = "" if body == item.generated_text else body
        item.edited_text, item.edited_by, item.edited_at = edited, actor if edited else None, \
            timezone.now() if edited else None
        item.save(update_fields=["edited_text", "edited_by", "edited_at"])
        audit.record(actor=actor, verb=Verb.UPDATED, subject=item, context=pub,
                     before={"text": before}, after={"text": item.body, "position": item.position})
    return item


def reorder(*, actor, publication_id: int, item_ids: Sequence[int],
            expected_order: Sequence[int] | None = None) -> Publication:
    """Put the items in the given order (every item of the draft, each once).

    `expected_order`: the items in the order the editor's page showed them; when another
    reordered the draft since, the new order is refused (Conflict), not put over theirs."""
    with transaction.atomic():
        pub = _draft_for_update(actor, publication_id)
        items = {i.pk: i for i in PublicationItem.objects.select_for_update().filter(publication=pub,
                                                                                    position__isnull=False)}
        ids = list(item_ids)
        if sorted(ids) != sorted(items):
            raise ServiceError("顺序须包含清单的每一条目，且各一次", field="item_ids")
        before = [i.pk for i in sorted(items.values(), key=lambda i: i.position)]
        if ids == before:
            return pub
        if expected_order is not None and list(expected_order) != before:
            raise Conflict("条目顺序已被他人修改，请刷新页面后再排序", field="item_ids")
        for position, pk in enumerate(ids, start=1):
            items[pk].position = position
        PublicationItem.objects.bulk_update(list(items.values()), ["position"])
        audit.record(actor=actor, verb=Verb.REORDERED, subject=pub, before={"order": before}, after={"order": ids})
    return pub


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def publication_text(publication: Publication) -> str:
    """The numbered list: the frozen text of a published one, a preview of a draft."""
    if publication.is_published:
        return publication.text
    return "\n".join(numbered(i.position, i.body) for i in publication_items(publication))


def publish(*, actor, publication_id: int) -> Publication:
    """Freeze a draft: its text (numbered 1..N), its number (年第N期, counted per area and
    year), the time and publisher, the SHA-256 of the text, and each problem's point. Its
    problems are then exposed (曝光)."""
    with transaction.atomic():
        pub = _draft_for_update(actor, publication_id)
        items = list(publication_items(pub))
        if not items:
            raise ServiceError("清单没有条目，不能发布", field="publication")
        if [i.position for i in items] != list(range(1, len(items) + 1)):
            raise Conflict("条目序号不连续，请重新排序", field="publication")
        with connection.cursor() as cur:
            # one publish at a time: the numbering per area, and the re-check below across areas (a
            # district's list and a subdistrict's can hold the same problem)
            cur.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_NUMBERING_LOCK])
        every = list(PublicationItem.objects.filter(publication=pub).select_related("problem", "publication"))
        why = _stale(every)
        if why:
            raise Conflict(why, field="publication")
        now = timezone.now()
        year = timezone.localtime(now).year
        last = (Publication.objects.filter(area_id=pub.area_id, year=year, status=PublicationStatus.PUBLISHED)
                .order_by("-sequence").values_list("sequence", flat=True).first())
        sequence = (last or 0) + 1
        text = "\n".join(numbered(i.position, i.body) for i in items)
        # each item keeps where its problem is now (the items are frozen with the list below)
        PublicationItem.objects.filter(publication=pub).update(
            point=Subquery(Problem.objects.filter(pk=OuterRef("problem_id")).values("geom")[:1]))
        pub.status, pub.year, pub.sequence = PublicationStatus.PUBLISHED, year, sequence
        pub.number, pub.text, pub.checksum = issue_number(year, sequence), text, checksum(text)
        pub.published_by, pub.published_at = actor, now
        pub.save(update_fields=["status", "year", "sequence", "number", "text", "checksum", "published_by",
                                "published_at"])
        audit.record(actor=actor, verb=Verb.PUBLISHED, subject=pub, before={"status": PublicationStatus.DRAFT},
                     after={"status": pub.status, "number": pub.number, "checksum": pub.checksum,
                            "problems": list(pub.items.values_list("problem_id", flat=True).order_by("id"))})
    return pub


__all__ = ["draft_create", "line_edit", "reorder", "publish", "publication_text", "checksum", "entry_for"]
