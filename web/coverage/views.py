"""The coverage pages for supervisors: the coverage map with its aggregates (/coverage/), the
map itself (a folium page in an iframe, /coverage/map/) and a shift's handover report.
Thin: the form reads the choice from the URL, selectors compute, maps.coverage draws."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from core.errors import NotFound
from geodata.geocoding import segment_places
from geodata.models import Area, AreaKind
from maps.builders import road_label
from maps.coverage import coverage_map, render_html
from org.models import Team
from org.selectors import jurisdiction_area_ids
from shifts.models import ShiftStatus
from shifts.selectors.aggregates import (
    FIRST_DAY,
    LAST_DAY,
    CoverageChoice,
    coverage_map_data,
    coverage_report,
    default_day,
)
from shifts.selectors.handover import shift_handover
from shifts.selectors.shifts import shift_get, shifts_visible
from web.access import officer_page

SCOPES = [("day", "当天"), ("week", "所在周（周一至周日）")]


class CoverageForm(forms.Form):
    day = forms.DateField(label="日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": "日期格式应为 年-月-日，例如 2026-11-30"})
    scope = forms.ChoiceField(label="范围", choices=SCOPES, required=False,
                              error_messages={"invalid_choice": "范围只能是当天或所在周"})
    team = forms.TypedChoiceField(label="班组", coerce=int, required=False, empty_value=None,
                                  error_messages={"invalid_choice": "没有这个班组，或不在您的辖区内"})
    area = forms.TypedChoiceField(label="区域", coerce=int, required=False, empty_value=None,
                                  error_messages={"invalid_choice": "没有这个区域，或不在您的辖区内"})
    shift = forms.TypedChoiceField(label="班次", coerce=int, required=False, empty_value=None,
                                   error_messages={"invalid_choice": "没有这个班次，或不在所选日期范围内"})

    def __init__(self, data, *, user, officer):
        if not data.get("day"):  # the day shown is in the date field too, not an empty mm/dd/yyyy
            data = data.copy()
            data["day"] = default_day(user).isoformat()
        super().__init__(data)
        self.user = user
        area_ids = jurisdiction_area_ids(officer)
        teams = Team.objects.filter(area_id__in=area_ids).order_by("name")
        self.fields["team"].choices = [("", "全部班组")] + [(t.pk, t.name) for t in teams]
        areas = Area.objects.filter(pk__in=area_ids, kind__in=[AreaKind.SUBDISTRICT, AreaKind.GRID]) \
            .order_by("-kind", "name").only("id", "name", "kind")  # the subdistrict, then its grids
        self.fields["area"].choices = [("", "全部辖区")] + [
            (a.pk, ("街道 · " if a.kind == AreaKind.SUBDISTRICT else "网格 · ") + a.name) for a in areas]
        day = self._day()
        lo, hi = CoverageChoice(day=day, scope="week").dates
        shifts = shifts_visible(user).filter(date__gte=lo, date__lte=hi,
                                             status__in=[ShiftStatus.ON_DUTY, ShiftStatus.ENDED]) \
            .order_by("date", "period", "team__name")
        self.fields["shift"].choices = [("", "全部班次")] + [
            (s.pk, f"{s.date:%m-%d} {s.get_period_display()} {s.team.name}") for s in shifts]

    def clean_day(self):
        day = self.cleaned_data.get("day")
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(f"日期须在 {FIRST_DAY} 至 {LAST_DAY} 之间")
        return day

    def _day(self) -> dt.date:
        raw = self.data.get("day")
        try:
            day = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            day = None
        return day if day is not None and FIRST_DAY <= day <= LAST_DAY else default_day(self.user)

    def choice(self) -> CoverageChoice:
        """The valid part of the choice (a bad field falls back to its default)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return CoverageChoice(day=data.get("day") or self._day(), scope=data.get("scope") or "day",
                              team_id=data.get("team"), area_id=data.get("area"), shift_id=data.get("shift"))


def _uncovered_rows(rows: list[dict]) -> list[dict]:
    """The uncovered segments as the tables show them: the road class in Chinese, and where on
    its road each piece lies (one road is often several rows)."""
    places = segment_places(u["segment"] for u in rows)
    return [{**u, "highway_label": road_label(u["highway"]), "place": places.get(u["segment"], "")} for u in rows]


def _choice(request) -> tuple[CoverageForm, CoverageChoice]:
    form = CoverageForm(request.GET, user=request.user, officer=request.officer)
    form.is_valid()
    return form, form.choice()


@officer_page("view_shift")
def coverage_page(request):
    form, choice = _choice(request)
    try:
        report = coverage_report(request.user, choice)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    query = request.GET.urlencode()
    lo, hi = choice.dates
    return render(request, "web/coverage/page.html", {
        "nav": "coverage", "form": form, "report": report, "choice": choice, "date_from": lo, "date_to": hi,
        "map_url": f"{reverse('coverage-map')}?{query}",
        "uncovered": _uncovered_rows(report.uncovered[:30]), "tables": [("按班组", report.by_team), ("按日", report.by_day),
                                                       ("按周", report.by_week)],
    })


@xframe_options_sameorigin
@officer_page("view_shift")
def coverage_map_frame(request):
    _, choice = _choice(request)
    try:
        report = coverage_report(request.user, choice)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    data = coverage_map_data(request.user, report)
    m = coverage_map(segments=data["segments"], gaps=data["gaps"], tracks=data["tracks"], static_url=static,
                     tiles_url=settings.MAP_TILE_URL or None, tiles_attribution=settings.MAP_TILE_ATTRIBUTION or None)
    return HttpResponse(render_html(m), content_type="text/html; charset=utf-8")


@officer_page("view_shift")
def handover_page(request, shift_id: int):
    try:
        shift = shift_get(request.user, shift_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    report = shift_handover(shift)
    report["uncovered"] = _uncovered_rows(report["uncovered"])
    return render(request, "web/coverage/handover.html", {
        "nav": "coverage", "shift": shift, "report": report,
        "period_label": shift.get_period_display(), "status_label": shift.get_status_display(),
        "members": shift.members.all(),
    })
