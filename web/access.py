"""Who may open a page. Pages are for people with an officer profile (role and jurisdiction).

A visitor who is not signed in is sent to the sign-in page; a signed-in user without a
profile, or whose role may not do the page's action, gets a 403 page that says why.
"""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from core.errors import Forbidden
from org.domain.permissions import ACTION_LABELS, can
from org.selectors import officer_of


def officer_page(action: str | None = None):
    """Decorate a view: `request.officer` is the signed-in user's active officer profile.

    With `action`, the officer's role must be allowed to do it (org.domain.permissions).
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                officer = officer_of(request.user)
            except Forbidden as exc:
                return forbidden(request, str(exc))
            if action is not None and not can(officer.role, action):
                return forbidden(request, f"您的角色无权{ACTION_LABELS.get(action, action)}")
            request.officer = officer
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def forbidden(request, reason: str):
    return render(request, "web/forbidden.html", {"reason": reason}, status=403)
