"""管理后台 for 未诉先办 lists: draft, preview, edit lines, reorder, publish.

Open to those who may publish (`publish_list`: publishers, supervisors, district admins),
limited to lists of areas in their jurisdiction (org.admin.RoleAdmin). Every write goes
through publishing.services (one audit event each); a published list is read-only here
and in the database.
"""
from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.commands import MAX_KEY_LENGTH, check_key, fingerprint, run_once
from core.errors import ServiceError
from core.models import ClientCommand
from org.admin import RoleAdmin, may
from patrol.domain.workflow import STATUS_CHOICES
from patrol.models.problems import Source

from .domain.listing import strip_number, tidy
from .models import Publication, PublicationItem
from .services.publications import MAX_LINE, draft_create, line_edit, publication_text, publish, reorder

# A draft's one-time token is claimed as a client id (core.commands) under this scope.
DRAFT_SCOPE = "admin:publishing_publication_add"


def _new_token() -> str:
    return str(uuid.uuid4())


def _draft_request(data: dict) -> dict:
    """What a draft is made of, as a post's cleaned data gives it: the same for a page posted again."""
    area = data.get("area")
    return {"title": data.get("title"), "area": area.pk if area is not None else None,
            "period_from": data.get("period_from"), "period_to": data.get("period_to"),
            "sources": sorted(data.get("sources") or ()), "statuses": sorted(data.get("statuses") or ())}


class DraftForm(forms.ModelForm):
    # One token per opened 增加 page, claimed when its draft is written (PublicationAdmin.save_model):
    # the page posted again (a double click, a reload that posts again, 保存 again after the back
    # button) leads to the draft it made instead of making another. A page opened anew has a new
    # token, so a second draft of the same period is still made on purpose. Not required: a post
    # without one (a script) drafts as before.
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, initial=_new_token,
                                 max_length=MAX_KEY_LENGTH)
    sources = forms.MultipleChoiceField(label="问题来源", choices=Source.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple, help_text="不选：全部来源")
    statuses = forms.MultipleChoiceField(label="问题状态", choices=STATUS_CHOICES, required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text="不选：除不予立案、重复上报外的全部状态")

    class Meta:
        model = Publication
        fields = ("title", "area", "period_from", "period_to")

    def clean_form_token(self):
        token = self.cleaned_data.get("form_token") or ""
        if token:
            try:
                check_key(token)
            except ServiceError as exc:
                raise forms.ValidationError("页面已失效，请重新打开“增加”页面") from exc
        return token

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("form_token")
        if token and not self.errors:
            # the page posted again with other conditions (the back button, a date changed): its
            # draft is made already; a second one is a new page's (said here, not a 409 from the claim)
            used = ClientCommand.objects.filter(actor=self.actor, key=token).first()
            if used is not None and (used.scope != DRAFT_SCOPE
                                     or used.body_hash != fingerprint(_draft_request(cleaned))):
                raise forms.ValidationError("本页已新增过一份清单（条件与本次不同），未再新建；"
                                            "如需再新增一份，请重新打开“增加”页面")
        return cleaned


class LineFormSet(BaseInlineFormSet):
    """The lines of a draft, checked all together before any is saved: a save that cannot
    keep every change keeps none, and says which line is wrong."""

    def clean(self):
        super().clean()
        for f in self.forms:
            data = getattr(f, "cleaned_data", None) or {}
            # every line listed has a number (changed_data compares with what the page showed,
            # which a post may leave out)
            if data.get("position") is None and "position" not in f.errors:
                f.add_error("position", "请填写序号")
            if "edited_text" in f.changed_data and data.get("edited_text"):
                text = data["edited_text"]
                if any(c in text.strip() for c in "\r\n\u2028\u2029"):
                    f.add_error("edited_text", "一个条目只能有一行文字")
                elif not strip_number(tidy(text)):
                    f.add_error("edited_text", "请填写条目文字")
                elif len(strip_number(tidy(text))) > MAX_LINE:
                    f.add_error("edited_text", f"条目文字不能超过{MAX_LINE}字")


_LINE_FIELDS = ("position", "edited_text")


def _shown(form, name: str):
    """The value of a line's field as the editor's page showed it (its hidden initial), or None
    when the post carries none."""
    bound = form[name]
    raw = form.data.get(bound.html_initial_name)
    if raw is None:
        return None
    try:
        return bound.field.to_python(raw)
    except forms.ValidationError:
        return None


class ItemInline(admin.TabularInline):
    model = PublicationItem
    formset = LineFormSet
    fk_name = "publication"
    extra = 0
    can_delete = False
    fields = ("position", "problem_link", "followup", "generated_text", "edited_text", "edited_by")
    readonly_fields = ("problem_link", "followup", "generated_text", "edited_by")
    ordering = ("position",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in _LINE_FIELDS:
            # the page posts what it showed beside what was typed: a save changes only what this
            # editor changed, and refuses what another changed since (save_formset, the services)
            field.show_hidden_initial = True
        return field

    def get_queryset(self, request):
        # the lines: items merged into another's line are listed there (problem_link)
        return super().get_queryset(request).filter(position__isnull=False).prefetch_related("merged")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is not None and not obj.is_published and may(request, "publish_list")

    def has_view_permission(self, request, obj=None):
        return may(request, "publish_list")

    @admin.display(description="问题")
    def problem_link(self, item):
        ids = [item.problem_id, *(m.problem_id for m in item.merged.all())]
        return format_html_join("、", '<a href="{}">#{}</a>',
                                ((reverse("admin:patrol_problem_change", args=[pk]), pk) for pk in ids))


@admin.register(Publication)
class PublicationAdmin(RoleAdmin):
    view_action = "publish_list"
    edit_action = "publish_list"
    scope_lookups = ("area_id",)
    list_display = ("__str__", "area", "period_from", "period_to", "status", "published_at")
    list_filter = ("status",)
    search_fields = ("title", "number")
    actions = ("publish_selected",)
    inlines = (ItemInline,)
    # The header is fixed once drafted; the lines' saves are compared with what the page showed
    # in the services, under their own locks (line_edit's expected_text, reorder's expected_order).
    lock_row_on_save = False
    readonly = ("title", "area", "period_from", "period_to", "sources", "statuses", "status", "number",
                "published_by", "published_at", "checksum", "preview", "downloads")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("area").defer("area__geom")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_published)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = DraftForm
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("title", "area", "period_from", "period_to", "sources", "statuses", "form_token")
        return self.readonly

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly

    def get_inlines(self, request, obj):
        return () if obj is None else self.inlines

    @admin.display(description="预览")
    def preview(self, obj):
        return format_html('<pre style="white-space: pre-wrap; font-size: 14px; line-height: 1.8">{}</pre>',
                           publication_text(obj))

    @admin.display(description="导出")
    def downloads(self, obj):
        links = [(reverse(f"publication-{kind}", args=[obj.pk]), label)
                 for kind, label in (("txt", "文本"), ("html", "网页（含地图）"), ("pdf", "PDF"), ("docx", "Word"))]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def save_model(self, request, obj, form, change):
        if change:
            return  # the header is fixed once drafted; lines change through the inline (save_formset)
        data = form.cleaned_data

        def create() -> tuple[int, dict]:
            created = draft_create(actor=request.user, area_id=data["area"].pk, period_from=data["period_from"],
                                   period_to=data["period_to"], sources=data["sources"], statuses=data["statuses"],
                                   title=data["title"])
            return 201, {"id": created.pk}

        try:
            if data.get("form_token"):
                # A second post of the page waits on the first's claim until it commits, then
                # answers with its draft (core.commands.run_once): one draft however close the posts.
                _, answer, request._draft_replayed = run_once(
                    actor=request.user, key=data["form_token"], scope=DRAFT_SCOPE,
                    body_hash=fingerprint(_draft_request(data)), execute=create)
            else:
                _, answer = create()
        except ServiceError as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk = answer["id"]

    def log_addition(self, request, obj, message):
        if getattr(request, "_draft_replayed", False):
            return None  # nothing was added: the first post logged its draft
        return super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_draft_replayed", False):
            self.message_user(request, "本页的清单已经新增过（重复提交），未再新建；这是当时新增的草稿", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:publishing_publication_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def save_formset(self, request, form, formset, change):
        if formset.model is not PublicationItem:
            return super().save_formset(request, form, formset, change)
        pub = form.instance
        try:
            with transaction.atomic():  # every line's change, or none
                for f in formset.forms:
                    if "edited_text" in f.changed_data:
                        item = f.instance
                        line_edit(actor=request.user, item_id=item.pk,
                                  text=f.cleaned_data["edited_text"] or item.generated_text,
                                  expected_text=_shown(f, "edited_text"))
                if any("position" in f.changed_data for f in formset.forms):
                    order = sorted(formset.forms, key=lambda f: (f.cleaned_data["position"], f.instance.pk))
                    shown = [(_shown(f, "position"), f.instance.pk) for f in formset.forms]
                    reorder(actor=request.user, publication_id=pub.pk, item_ids=[f.instance.pk for f in order],
                            expected_order=None if any(p is None for p, _ in shown) else [pk for _, pk in sorted(shown)])
        except ServiceError as exc:
            request._publication_not_saved = True
            messages.error(request, f"未保存：{exc.message}")
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if level == messages.SUCCESS and getattr(request, "_publication_not_saved", False):
            return  # (the change was refused: no "成功修改" beside the error)
        super().message_user(request, message, level, *args, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            pub = self.get_object(request, unquote(object_id))
            if pub is not None and pub.is_published and self.has_view_permission(request, pub):
                # a page opened on the draft, saved after another published it: say so (Django
                # would answer 无权访问) and show the list as published
                self.message_user(request, f"{pub.number}已发布，不能修改，本次修改未保存", messages.ERROR)
                return HttpResponseRedirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(description="发布所选清单（发布后不能修改）")
    def publish_selected(self, request, queryset):
        for pub in queryset.order_by("pk"):
            if pub.is_published:  # by another since this list was shown (or a second click): said, not skipped
                messages.warning(request, f"{pub.number}已发布，未再次发布")
                continue
            try:
                done = publish(actor=request.user, publication_id=pub.pk)
                messages.success(request, f"已发布 {done.number}，校验值 {done.checksum[:16]}…")
            except ServiceError as exc:
                messages.error(request, f"{pub}: {exc.message}")
