"""未诉先办 lists over HTTP, read only: the lists of the caller's jurisdiction, one list with
its lines, and its exports (text, HTML page with a map, PDF, Word). Drafting, editing and
publishing happen in the management pages (publishing.admin) through the same services."""
from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from publishing.exporters import EXPORT_MEDIA_TYPES
from publishing.exporters.html import export_html
from publishing.exporters.pdf import export_pdf
from publishing.exporters.text import export_text
from publishing.exporters.word import export_docx
from publishing.models import Publication, PublicationStatus
from publishing.selectors.publications import (
    line_problem_ids,
    publication_document,
    publication_items,
    publications_visible_to,
    with_line_counts,
)


class PublicationOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="期号，如 2026年第12期；草稿为空")
    title = serializers.CharField()
    area = serializers.CharField(help_text="区域名称")
    area_id = serializers.IntegerField()
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    status = serializers.ChoiceField(choices=PublicationStatus.choices)
    published_at = serializers.DateTimeField(allow_null=True)
    checksum = serializers.CharField(help_text="正文的 SHA-256（十六进制）；草稿为空")
    items = serializers.IntegerField(help_text="行数")


class PublicationLineOut(serializers.Serializer):
    position = serializers.IntegerField()
    text = serializers.CharField(help_text="带序号的一行，如 1. 东铁匠营街道，…，积存垃圾。")
    problem = serializers.IntegerField(help_text="该行的第一个问题")
    problems = serializers.ListField(child=serializers.IntegerField(), help_text="该行列出的全部问题（同一地点）")
    followup = serializers.CharField(help_text="复查情况：已整改 / 整改不到位；空：首次曝光")
    edited = serializers.BooleanField(help_text="文字经人工修改")


class PublicationDetailOut(PublicationOut):
    text = serializers.CharField(help_text="整份清单（每行一条）；已发布的为冻结的正文")
    lines = PublicationLineOut(many=True)


def publication_data(p: Publication, *, detail: bool = False) -> dict:
    """One publication; its lines with `detail`, else their number (`lines`, annotated by
    publishing.selectors.publications `with_line_counts`, or counted here)."""
    items = list(publication_items(p)) if detail or not hasattr(p, "lines") else None
    data = {"id": p.id, "number": p.number, "title": p.title, "area": p.area.name, "area_id": p.area_id,
            "period_from": p.period_from.isoformat(), "period_to": p.period_to.isoformat(), "status": p.status,
            "published_at": p.published_at.isoformat() if p.published_at else None, "checksum": p.checksum,
            "items": len(items) if items is not None else p.lines}
    if detail:
        doc = publication_document(p)
        problems = line_problem_ids(p)
        data["text"] = doc.text
        data["lines"] = [{"position": i.position, "text": line.text, "problem": i.problem_id,
                          "problems": problems[i.pk], "followup": i.followup, "edited": bool(i.edited_text)}
                         for i, line in zip(items, doc.lines, strict=True)]
    return data


class PublicationList(APIView):
    @extend_schema(summary="未诉先办清单列表（辖区内；草稿仅发布人员可见）", responses={200: PublicationOut(many=True)},
                   operation_id="publications_list")
    def get(self, request):
        lists = with_line_counts(publications_visible_to(request.user))[:200]
        return Response([publication_data(p) for p in lists])


class PublicationDetail(APIView):
    @extend_schema(summary="未诉先办清单详情（含各行文字）", responses={200: PublicationDetailOut})
    def get(self, request, pk: int):
        return Response(publication_data(get_object_or_404(publications_visible_to(request.user), pk=pk),
                                         detail=True))


def _renderer(kind: str) -> type[JSONRenderer]:
    # A download answers with its own media type; an error on the way (401, 404 …) is a
    # problem+json body that DRF renders with the negotiated renderer. Negotiating this
    # one (a client that sends Accept: application/pdf) must still render that JSON.
    media_type = EXPORT_MEDIA_TYPES[kind].split(";")[0]
    return type(f"{kind.title()}ErrorRenderer", (JSONRenderer,), {"media_type": media_type, "format": kind})


class _Export(APIView):
    kind = ""

    def get(self, request, pk: int):
        pub = get_object_or_404(publications_visible_to(request.user), pk=pk)
        doc = publication_document(pub)
        if self.kind == "txt":
            body: bytes | str = export_text(doc)
        elif self.kind == "html":
            body = export_html(doc, static_url=static, tiles_url=settings.MAP_TILE_URL or None,
                               tiles_attribution=settings.MAP_TILE_ATTRIBUTION or None)
        elif self.kind == "pdf":
            body = export_pdf(doc)
        else:
            body = export_docx(doc)
        response = HttpResponse(body, content_type=EXPORT_MEDIA_TYPES[self.kind])
        name = f"publication-{pub.pk}.{self.kind}"
        disposition = "inline" if self.kind == "html" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
        return response


def _export_view(kind: str, summary: str) -> type[APIView]:
    media_type = EXPORT_MEDIA_TYPES[kind].split(";")[0]

    def get(self, request, pk: int):  # a function of its own: extend_schema annotates it
        return _Export.get(self, request, pk)

    get = extend_schema(summary=summary, responses={(200, media_type): OpenApiTypes.BINARY
                                                    if kind in ("pdf", "docx") else OpenApiTypes.STR},
                        operation_id=f"publications_export_{kind}")(get)
    return type(f"PublicationExport{kind.title()}", (_Export,), {
        "kind": kind, "get": get, "renderer_classes": [JSONRenderer, _renderer(kind)]})


PublicationExportTxt = _export_view("txt", "导出纯文本")
PublicationExportHtml = _export_view("html", "导出网页（含地图，资源由本站提供）")
PublicationExportPdf = _export_view("pdf", "导出 PDF（A4，内嵌中文字体）")
PublicationExportDocx = _export_view("docx", "导出 Word 文档")
