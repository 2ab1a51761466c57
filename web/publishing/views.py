"""The published 未诉先办 lists as pages (发布清单): every role reads its jurisdiction's lists, the
lines as frozen, each with its problem, and downloads the exports; those who may publish also
see drafts, with the way to the admin where drafts are edited and published.

Thin: publishing.selectors decides what a user sees and the text; the exports are the API's."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from org.domain.permissions import can
from publishing.models import PublicationStatus
from publishing.selectors.publications import (
    line_problem_ids,
    publication_document,
    publication_items,
    publications_visible_to,
    with_line_counts,
)
from web.access import officer_page

PAGE_SIZE = 50
EXPORTS = [("txt", "纯文本"), ("html", "网页（含地图）"), ("pdf", "PDF"), ("docx", "Word")]


@officer_page("view_problem")
def publication_list_page(request):
    # lines, not problems: problems at one place share a line (items merged into it)
    lists = with_line_counts(publications_visible_to(request.user).select_related("published_by"))
    page = Paginator(lists, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/publishing/list.html", {
        "nav": "publications", "page": page,
        "may_publish": can(request.officer.role, "publish_list") and request.user.is_staff,
    })


@officer_page("view_problem")
def publication_page(request, pk: int):
    pub = publications_visible_to(request.user).select_related("published_by").filter(pk=pk).first()
    if pub is None:
        raise Http404("没有这份清单，或它不在您的辖区内")
    items = list(publication_items(pub))
    doc = publication_document(pub)
    problems = line_problem_ids(pub)
    lines = [{"text": line.text, "problems": problems[item.pk], "followup": item.followup,
              "edited": bool(item.edited_text)} for item, line in zip(items, doc.lines, strict=True)]
    return render(request, "web/publishing/detail.html", {
        "nav": "publications", "pub": pub, "lines": lines,
        "draft": pub.status == PublicationStatus.DRAFT,
        "exports": [(label, reverse(f"publication-{kind}", args=[pub.pk])) for kind, label in EXPORTS],
        "admin_url": reverse("admin:publishing_publication_change", args=[pub.pk]) if request.user.is_staff else None,
    })
