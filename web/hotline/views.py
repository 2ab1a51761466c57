"""接诉即办 pages: the ranking (week / month), its Excel export, the weekly bulletin and its PDF,
and the upload of a 12345 export with its validation report. Thin: selectors and one service.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models.fields.json import KT
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from core.errors import Forbidden
from hotline.domain.metrics import (
    PERIOD_KINDS,
    RATE_LABELS,
    RATES,
    parse_period_key,
    period_of,
    previous_period,
)
from hotline.exporters.bulletin_pdf import bulletin_pdf
from hotline.exporters.ranking_xlsx import ranking_xlsx
from hotline.models import QueuedImport
from hotline.selectors.metrics import (
    GROUP_LABELS,
    bulletin_of,
    default_period,
    ranking,
    unit_exists,
    unit_names,
    units_ranked_inside_for,
)
from hotline.selectors.queued import import_batches_visible_to, queued_imports_visible_to, queued_status_text
from hotline.services.queued import import_or_queue, queued_requeue, queued_result
from org.domain.permissions import can
from web.access import forbidden, officer_page

from .forms import ImportForm

PAGE_KINDS = ("week", "month")  # the ranking page's selector; "year" is accepted in the URL too


class BadQuery(ValueError):
    pass


NOT_YOUR_UNIT = "只能查看本单位的科室和承办人排名"


def _ranking_from(request):
    kind = request.GET.get("period", "week")
    if kind not in PERIOD_KINDS:
        raise BadQuery(f"统计周期“{kind}”无效，应为 week（周）、month（月）或 year（年）")
    key = request.GET.get("at", "").strip()
    try:
        period = parse_period_key(kind, key) if key else default_period(kind)
    except ValueError as exc:
        raise BadQuery(str(exc)) from exc
    group = request.GET.get("group", "unit")
    unit = request.GET.get("unit", "").strip() or None
    if group not in GROUP_LABELS:
        raise BadQuery(f"排名对象“{group}”无效，应为 unit、team 或 handler")
    if group != "unit" and unit is None:
        raise BadQuery("按科室或承办人排名时需要指定承办单位（unit=…）")
    if unit is not None and "\0" in unit:  # the database refuses NUL in a text (the API's field too)
        raise BadQuery("承办单位不能含空字符（NUL）")
    if group != "unit" and not unit_exists(unit):  # a misspelt office is no "no complaints this period"
        raise BadQuery(f"没有承办单位“{unit}”的诉求，请从单位排名中选择")
    if group != "unit" and (inside := units_ranked_inside_for(request.officer)) is not None and unit not in inside:
        raise Forbidden(NOT_YOUR_UNIT)
    return ranking(period, group=group, unit=unit if group != "unit" else None)


def _query(**params) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v})


def _bad(request, message: str):
    return render(request, "web/hotline/bad_query.html", {"nav": "hotline", "message": message}, status=400)


@officer_page()
def ranking_page(request):
    try:
        r = _ranking_from(request)
    except BadQuery as exc:
        return _bad(request, str(exc))
    except Forbidden as exc:
        return forbidden(request, str(exc))
    p = r.period
    keep = dict(period=p.kind, group=r.group if r.group != "unit" else "", unit=r.unit or "")
    prev_p, next_p = previous_period(p), period_of(p.kind, p.end + dt.timedelta(days=1))
    best = max((row.metrics.score for row in r.rows if row.metrics.score is not None), default=None)
    bars = [{"name": row.metrics.name, "score": row.metrics.score, "flagged": row.flagged,
             "width": float(row.metrics.score) if row.metrics.score is not None else 0}
            for row in r.rows]
    tiles = [(RATE_LABELS[k], r.total.rates.get(k), r.total.changes.get(k)) for k in RATES]
    table = [{"row": row, "m": row.metrics,
              "cells": [(row.metrics.rates.get(k), row.metrics.changes.get(k)) for k in RATES]} for row in r.rows]
    return render(request, "web/hotline/ranking.html", {
        "tiles": tiles, "table": table, "period_word": PERIOD_KINDS[p.kind],
        "nav": "hotline", "r": r, "rates": [(k, RATE_LABELS[k]) for k in RATES], "kinds": PAGE_KINDS,
        "kind_labels": PERIOD_KINDS, "group_label": GROUP_LABELS[r.group], "bars": bars, "best": best,
        "prev_url": _query(at=prev_p.key, **keep), "next_url": _query(at=next_p.key, **keep),
        "xlsx_url": reverse("hotline-ranking-xlsx") + _query(at=p.key, **keep),
        "bulletin_url": reverse("hotline-bulletin") + _query(period=p.kind, at=p.key),
        "kind_urls": [(k, PERIOD_KINDS[k], _query(period=k, group=keep["group"], unit=keep["unit"]))
                      for k in PAGE_KINDS],
        "units": unit_names() if r.group == "unit" else [],
        # the offices whose teams this officer may open (None: all)
        "inside": units_ranked_inside_for(request.officer) if r.group == "unit" else None,
        "may_import": can(request.officer.role, "import_complaints"),
    })


@officer_page()
def ranking_xlsx_view(request):
    try:
        r = _ranking_from(request)
    except BadQuery as exc:
        return _bad(request, str(exc))
    except Forbidden as exc:
        return forbidden(request, str(exc))
    name = f"hotline-ranking-{r.period.key}{'-' + r.group if r.group != 'unit' else ''}.xlsx"
    response = HttpResponse(ranking_xlsx(r),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _bulletin(request):
    if request.GET.get("group") or request.GET.get("unit"):
        raise BadQuery("通报只针对全部承办单位，不能指定 group 或 unit")
    return _ranking_from(request)


@officer_page()
def bulletin_page(request):
    try:
        r = _bulletin(request)
    except BadQuery as exc:
        return _bad(request, str(exc))
    q = _query(period=r.period.kind, at=r.period.key)
    return render(request, "web/hotline/bulletin.html", {
        "nav": "hotline", "b": bulletin_of(r), "r": r, "pdf_url": reverse("hotline-bulletin-pdf") + q,
        "may_import": can(request.officer.role, "import_complaints"),
        "ranking_url": reverse("hotline-ranking") + q})


@officer_page()
def bulletin_pdf_view(request):
    try:
        r = _bulletin(request)
    except BadQuery as exc:
        return _bad(request, str(exc))
    response = HttpResponse(bulletin_pdf(bulletin_of(r)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="hotline-bulletin-{r.period.key}.pdf"'
    return response


@officer_page("import_complaints")
def import_page(request):
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_or_queue(data=upload.read(), filename=upload.name, actor=request.user,
                                     mapping=form.cleaned_data["mapping"] or None,
                                     partial=form.cleaned_data["partial"], dry_run=form.cleaned_data["dry_run"])
            if isinstance(result, QueuedImport):  # too large for the request: the worker imports it
                return redirect("hotline-import-status", pk=result.pk)
        status = 200 if result is not None else 400  # a refused file is a report, not a bad request
    else:
        form, status = ImportForm(), 200
    return render(request, "web/hotline/import.html", {
        "nav": "hotline", "form": form, "result": result, "may_import": True,
        "batches": import_batches_visible_to(request.officer).select_related("imported_by")[:10],
        "queued": queued_imports_visible_to(request.officer).select_related("created_by").defer("data", "result").annotate(
            r_ok=KT("result__ok"), r_created=KT("result__created"), r_updated=KT("result__updated"),
            r_unchanged=KT("result__unchanged"))[:10],
        "inline_max_rows": settings.HOTLINE_INLINE_MAX_ROWS,
        "ranking_url": reverse("hotline-ranking")}, status=status)


REFRESH_SECONDS = 3


@officer_page("import_complaints")
def import_status_page(request, pk: int):
    """A queued import of the officer's jurisdiction (hotline.selectors.queued): waiting, running,
    or its report, the same block as the import page's; another office's is a 404."""
    q = get_object_or_404(queued_imports_visible_to(request.officer).select_related("created_by").defer("data"),
                          pk=pk)
    if request.method == "POST" and request.POST.get("retry"):
        try:
            queued_requeue(q)
        except ValueError:
            pass  # already queued again, or its file is gone: the page says which
        return redirect("hotline-import-status", pk=q.pk)
    return render(request, "web/hotline/import_status.html", {
        "nav": "hotline", "q": q, "result": queued_result(q), "may_import": True,
        "may_retry": q.status == "failed" and QueuedImport.objects.filter(pk=q.pk, data__isnull=False).exists(),
        "status_text": queued_status_text(q),
        "refresh_seconds": REFRESH_SECONDS, "ranking_url": reverse("hotline-ranking")})


def index(request):
    return redirect("hotline-ranking")
