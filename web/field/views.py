"""The tablet field app, an installable PWA: one page whose script talks to /api/v1.

The page embeds what the app needs to work with no connection (the officer, the category
buttons in the order this officer's area uses them, the outcome ladder); the service worker
(`sw.js`, scope /field/) keeps the page and its assets so that a reload with no network still
opens it; everything done offline waits in the device's IndexedDB outbox (static
web/field/outbox.js) and is sent once, under its client id, when the network is back.
"""
from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache

from hotline.selectors.hotspots import next_week_focus
from org.domain.permissions import can
from org.domain.roles import ROLE_LABELS
from patrol.domain.outcomes import (
    FINE_DECIMAL_PLACES,
    FINE_MAX_DIGITS,
    MAX_CASE_NUMBER,
    MAX_LICENCE_POINTS,
    MAX_SEIZED_ITEMS,
    OutcomeKind,
    TargetKind,
)
from patrol.selectors.field import category_usage
from web.access import officer_page

from .order import field_category_order

#: The app's own files and the libraries it uses, cached by the service worker at install.
SHELL_ASSETS = [
    "web/web.css",
    "web/field/field.css",
    "web/field/outbox.js",
    "web/field/app.js",
    "web/field/icon-192.png",
    "web/field/icon-512.png",
    "maps/vendor/leaflet/leaflet.js",
    "maps/vendor/leaflet/leaflet.css",
    "maps/vendor/leaflet/images/marker-icon.png",
    "maps/vendor/leaflet/images/marker-icon-2x.png",
    "maps/vendor/leaflet/images/marker-shadow.png",
    "maps/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js",
    "maps/problem-tiles.js",
]


FIELD_FOCUS = 5  # focus segments shown on the tablet

_FINE_STEP = 10 ** -FINE_DECIMAL_PLACES
PARTICULAR_LIMITS = {
    "fine_amount": {"min": _FINE_STEP, "max": round(10 ** (FINE_MAX_DIGITS - FINE_DECIMAL_PLACES) - _FINE_STEP,
                                                      FINE_DECIMAL_PLACES), "step": _FINE_STEP},
    "points": {"min": 1, "max": MAX_LICENCE_POINTS, "step": 1},
    "seized_items": {"maxlength": MAX_SEIZED_ITEMS},
    "case_number": {"maxlength": MAX_CASE_NUMBER},
}


@cache
def assets_version() -> str:
    """A digest of the shell's files: a new release gives a new service worker, which
    replaces the cached copies (computed once per process)."""
    digest = hashlib.sha256()
    for path in SHELL_ASSETS:
        found = finders.find(path)
        if found is None:
            raise FileNotFoundError(f"field app asset missing: {path}")
        with open(found, "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()[:12]


@officer_page()
def app(request):
    officer = request.officer
    config = {
        "officer": {"id": officer.id, "name": officer.name, "role": officer.role,
                    "role_label": ROLE_LABELS.get(officer.role, officer.role), "team": officer.team_id},
        "may": {action: can(officer.role, action) for action in
                ("create_problem", "add_photo", "record_outcome", "send_fixes", "manage_shift", "view_shift")},
        "categories": [{"code": c.code, "name": c.name, "common": common}
                       for c, common in field_category_order(category_usage(officer))],
        "outcome_kinds": [{"label": k.label, "penalty": k.is_penalty, "requires": list(k.requires)} for k in OutcomeKind],
        "target_kinds": [{"label": t.label, "measure": t.measure} for t in TargetKind],
        # The server's limits on the particulars, as input attributes: what the dialog lets be
        # typed is what the API takes (a refused outcome waits in the outbox as a conflict).
        "particulars": PARTICULAR_LIMITS,
        "urls": {
            "problems": reverse("problems"), "problem": reverse("problem", args=[0]),
            "photos": reverse("problem-photos", args=[0]), "outcomes": reverse("problem-outcomes", args=[0]),
            "transition": reverse("problem-transition", args=[0]), "layer": reverse("problems-layer"),
            "describe": reverse("describe"), "shifts": reverse("shifts"), "shift_start": reverse("shift-start", args=[0]),
            "shift_end": reverse("shift-end", args=[0]), "shift_fixes": reverse("shift-fixes", args=[0]),
            "login": reverse("login") + "?next=" + reverse("field-app"),
            "road_tiles": "/tiles/roads/{z}/{x}/{y}.pbf",
        },
        # 未诉先办: where complaints are likely, for the shift to walk first (hotline.selectors.hotspots).
        "focus": [{"road": f.road, "place": f.place, "reasons": "；".join(f.reasons), "line": f.line}
                  for f in next_week_focus(request.user, evaluate=False, k=FIELD_FOCUS).segments],
        # Times are shown in the platform's zone, whatever zone the tablet is set to (a shift of
        # 07:00–15:00 is that on every device)
        "time_zone": settings.TIME_ZONE,
        "csrf": get_token(request),
        "version": assets_version(),
    }
    return render(request, "web/field/app.html", {"config": config})


@never_cache
def service_worker(request):
    """The service worker, from /field/ so that its scope is the app. Its text names the
    release (assets_version) and the files to keep; no cookies or per-user data."""
    shell = [reverse("field-app"), reverse("field-manifest"), *[static(p) for p in SHELL_ASSETS]]
    body = render(request, "web/field/sw.js", {
        "version": assets_version(), "shell_json": json.dumps(shell), "app_url": reverse("field-app"),
    }).content
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field-app")
    return response


def manifest(request):
    """The web app manifest: installable on the tablet's home screen, full screen, Chinese."""
    return JsonResponse({
        "name": "街面巡查 · 外勤", "short_name": "街面巡查", "lang": "zh-CN", "dir": "ltr",
        "start_url": reverse("field-app"), "scope": reverse("field-app"), "display": "standalone",
        "orientation": "any", "background_color": "#ffffff", "theme_color": "#0b3d6b",
        "icons": [{"src": static("web/field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                  {"src": static("web/field/icon-512.png"), "sizes": "512x512", "type": "image/png",
                   "purpose": "any maskable"}],
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
