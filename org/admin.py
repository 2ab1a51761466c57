"""管理后台 for people: agencies, teams and officers, set up by a district administrator.

Access follows the role and the jurisdiction, not Django's model permissions: every page
here asks `org.domain.permissions.can(role, action)` of the signed-in user's officer
profile (a superuser may do everything), and a non-superuser sees and picks only rows and
areas inside their own jurisdiction. Writes go through org.services, which check the
same again and record one audit event each; nothing here deletes (officers are
deactivated, their records stay as evidence). Django's own 用户 page (superusers only) is
replaced by `AuditedUserAdmin`, so that its writes (staff and superuser status, a login
enabled or disabled, a password set, an account deleted) are in the audit log too.

`RoleAdmin` and the helpers above it are shared by the read-only pages of the other
apps (patrol.admin, core.admin).
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core import audit
from core.admin_lookups import NulRefusingChangelist
from core.domain.verbs import Verb
from core.errors import ServiceError
from geodata.models import Area

from . import services
from .domain.permissions import can
from .domain.roles import ROLE_LABELS
from .login import ThrottledAdminAuthenticationForm
from .models import Agency, Officer, Team
from .selectors import district_wide, jurisdiction_area_ids

admin.site.site_header = "街面巡查平台 管理后台"
admin.site.site_title = "街面巡查平台 管理后台"
admin.site.index_title = "人员、类别与记录"
admin.site.login_form = ThrottledAdminAuthenticationForm  # failed sign-ins lock out (org.login)


# -- who is looking ------------------------------------------------------------------------

def viewer_officer(request) -> Officer | None:
    """The signed-in user's active officer profile (once per request), or None."""
    if not hasattr(request, "_admin_officer"):
        user = request.user
        officer = None
        if user.is_authenticated and user.is_active:
            officer = (Officer.objects.only("id", "user_id", "role", "jurisdiction_id", "active")
                       .filter(user=user, active=True).first())
        request._admin_officer = officer
    return request._admin_officer


def may(request, action: str) -> bool:
    user = request.user
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    officer = viewer_officer(request)
    return officer is not None and can(officer.role, action)


def scope_ids(request) -> list[int] | None:
    """The areas the viewer may see: None means all (a superuser)."""
    if request.user.is_superuser:
        return None
    if not hasattr(request, "_admin_scope"):
        officer = viewer_officer(request)
        request._admin_scope = jurisdiction_area_ids(officer) if officer is not None else []
    return request._admin_scope


def district_wide_viewer(request) -> bool:
    """Whether the viewer sees the whole district: a superuser, or an officer whose
    jurisdiction is the district itself (not one of its subdistricts)."""
    if request.user.is_superuser:
        return True
    if not hasattr(request, "_admin_district_wide"):
        request._admin_district_wide = district_wide(viewer_officer(request))
    return request._admin_district_wide


class ShownValuesForm:
    """A change form whose page posts, beside each field, the value it showed (Django's
    show_hidden_initial). Django otherwise compares what is posted with the row as it is when
    the form arrives, so a page opened before another's save wrote back every value it showed:
    a name corrected there enabled again the login another had just disabled. Here
    `changed_data` is what this editor changed, and a field that another changed too since
    the page was opened is refused in words rather than written over."""

    STALE = "此项在您打开本页后已被他人修改，请刷新页面后再改"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.PasswordInput):  # no password in the page
                continue
            if self.is_bound and self.add_initial_prefix(name) not in self.data:
                continue  # a post that does not say what it showed: compared with the row, as Django does
            field.show_hidden_initial = True

    def clean(self):
        cleaned = super().clean()
        for name in self.changed_data:
            field = self.fields[name]
            if not field.show_hidden_initial:
                continue
            shown = field.hidden_widget().value_from_datadict(self.data, self.files, self.add_initial_prefix(name))
            if field.has_changed(self[name].initial, shown):
                self.add_error(name, self.STALE)
        return cleaned


class RoleAdmin(NulRefusingChangelist, admin.ModelAdmin):
    """A ModelAdmin whose pages are open by role (`view_action`, `edit_action`; None
    means read-only) and whose rows are limited to the viewer's jurisdiction
    (`scope_lookups`: the lookups that reach an area id, any one of which may match).

    Fails closed: rows that reach no area (a page without `scope_lookups`, or, with
    `unlinked_to_district`, rows whose lookups are all empty) belong to the district as a
    whole, so only a district-wide viewer (`district_wide_viewer`) sees them; a viewer
    limited to a subdistrict sees none of them. A page whose rows are public by design says
    so by overriding `in_scope`."""
    view_action = "manage_people"
    edit_action: str | None = "manage_people"
    scope_lookups: tuple[str, ...] = ()
    unlinked_to_district = False
    # A change page's save holds its row from the form's check to the write (get_object).
    lock_row_on_save = True

    def has_module_permission(self, request):
        return may(request, self.view_action)

    def has_view_permission(self, request, obj=None):
        return may(request, self.view_action)

    def has_add_permission(self, request):
        return self.edit_action is not None and may(request, self.edit_action)

    def has_change_permission(self, request, obj=None):
        return self.edit_action is not None and may(request, self.edit_action)

    def has_delete_permission(self, request, obj=None):
        return False  # records are evidence: deactivate, correct, never delete

    def get_queryset(self, request):
        return self.in_scope(request, super().get_queryset(request))

    def in_scope(self, request, queryset):
        ids = scope_ids(request)
        if ids is None:
            return queryset
        if not self.scope_lookups:
            return queryset if district_wide_viewer(request) else queryset.none()
        from django.db.models import Q

        condition = Q()
        for lookup in self.scope_lookups:
            condition |= Q(**{f"{lookup}__in": ids})
        if self.unlinked_to_district and district_wide_viewer(request):
            condition |= Q(**{f"{lookup}__isnull": True for lookup in self.scope_lookups})
        return queryset.filter(condition)

    def get_object(self, request, object_id, from_field=None):
        """The row; for a save (a POST in the change page's transaction: Django runs
        changeform_view in one), read again under a row lock held until that transaction ends.
        ShownValuesForm compares what the page showed with the row as read here, and the save
        follows in the same transaction: a second save of the row reads it only after this one
        committed, and is refused if it changed what that page showed. Without the lock two saves
        at the same moment both found the row as their pages showed it, and the later wrote over
        the earlier."""
        obj = super().get_object(request, object_id, from_field)
        if (obj is None or request.method != "POST" or self.edit_action is None or not self.lock_row_on_save
                or not transaction.get_connection(router.db_for_write(self.model)).in_atomic_block):
            return obj
        list(self.model._base_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True))
        return super().get_object(request, object_id, from_field)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None or self.edit_action is None:
            return form
        return type(form.__name__, (ShownValuesForm, form), {})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = scope_ids(request)
        model = db_field.related_model
        if model is Area:
            queryset = Area.objects.defer("geom").order_by("kind", "code", "name")
            if ids is not None:
                queryset = queryset.filter(pk__in=ids)
            kwargs.update(queryset=queryset, form_class=AreaChoiceField)
        elif model is Agency:
            queryset = Agency.objects.order_by("name")
            kwargs["queryset"] = queryset if ids is None else queryset.filter(area_id__in=ids)
        elif model is Team:
            queryset = Team.objects.select_related("agency").order_by("agency__name", "name")
            kwargs.update(queryset=queryset if ids is None else queryset.filter(area_id__in=ids),
                          form_class=TeamChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        code = f" {obj.code}" if obj.code else ""
        return f"{obj.name}（{obj.get_kind_display()}{code}）"


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.agency.name}）"


def _apply_errors(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# -- agencies and teams ----------------------------------------------------------------------

class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ("name", "kind", "area")

    def clean(self):
        cleaned = super().clean()
        if self.scoped and not cleaned.get("area") and "area" not in self.errors:
            self.add_error("area", "请选择单位所在区域")
        if cleaned.get("name") and "area" not in self.errors:
            try:  # here, not in save_model: a service's refusal there is a 500, not a message
                services.validate_agency_name(name=cleaned["name"], area=cleaned.get("area"), agency=self.instance)
            except ServiceError as exc:
                _apply_errors(self, exc)
        return cleaned


@admin.register(Agency)
class AgencyAdmin(RoleAdmin):
    form = AgencyForm
    list_display = ("name", "kind", "area_name", "team_count")
    list_filter = ("kind",)
    search_fields = ("name",)
    scope_lookups = ("area_id",)

    def get_queryset(self, request):
        from django.db.models import Count

        return (super().get_queryset(request).select_related("area").defer("area__geom")
                .annotate(n_teams=Count("teams")))

    @admin.display(description="所在区域", ordering="area__name")
    def area_name(self, obj):
        return obj.area.name if obj.area_id else "—"

    @admin.display(description="班组数", ordering="n_teams")
    def team_count(self, obj):
        return obj.n_teams

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.scoped = scope_ids(request) is not None
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.agency_update(actor=request.user, agency=obj,
                                   **{f: data[f] for f in form.changed_data if f in AgencyForm.Meta.fields})
        else:
            created = services.agency_create(actor=request.user, name=data["name"], kind=data["kind"],
                                             area=data.get("area"))
            obj.pk = created.pk


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ("name", "agency", "area")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agency") is not None:
            try:
                services.validate_team_agency(team=self.instance, agency=cleaned["agency"])
            except ServiceError as exc:
                _apply_errors(self, exc)
        return cleaned


@admin.register(Team)
class TeamAdmin(RoleAdmin):
    form = TeamForm
    list_display = ("name", "agency", "area_name", "member_count")
    list_filter = (("agency", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "agency__name")
    fields = ("name", "agency", "area")
    scope_lookups = ("area_id",)

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return (super().get_queryset(request).select_related("agency", "area").defer("area__geom")
                .annotate(n_members=Count("members", filter=Q(members__active=True))))

    @admin.display(description="责任区域", ordering="area__name")
    def area_name(self, obj):
        return obj.area.name

    @admin.display(description="在岗人数", ordering="n_members")
    def member_count(self, obj):
        return obj.n_members

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.team_update(actor=request.user, team=obj,
                                 **{f: data[f] for f in form.changed_data if f in self.fields})
        else:
            created = services.team_create(actor=request.user, name=data["name"], agency=data["agency"],
                                           area=data["area"])
            obj.pk = created.pk


# -- officers --------------------------------------------------------------------------------

class OfficerAddForm(forms.ModelForm):
    username = forms.CharField(label="登录用户名", max_length=150,
                               help_text="本人登录平台和平板使用；字母、数字和 @ . + - _")
    password = forms.CharField(label="初始密码", strip=False, widget=forms.PasswordInput(render_value=False),
                               help_text="至少 8 位；请当面告知本人")

    class Meta:
        model = Officer
        fields = ("name", "role", "agency", "team", "jurisdiction")

    def clean(self):
        cleaned = super().clean()
        try:
            if cleaned.get("username") and cleaned.get("password"):
                services.validate_new_login(username=cleaned["username"].strip(), password=cleaned["password"])
            if all(cleaned.get(f) for f in ("role", "agency", "jurisdiction")):
                services.validate_officer(role=cleaned["role"], agency=cleaned["agency"], team=cleaned.get("team"),
                                          jurisdiction=cleaned["jurisdiction"])
        except ServiceError as exc:
            _apply_errors(self, exc)
        return cleaned


class OfficerChangeForm(forms.ModelForm):
    new_password = forms.CharField(label="重设密码", required=False, strip=False,
                                   widget=forms.PasswordInput(render_value=False),
                                   help_text="留空则不修改；本人忘记密码时填写新密码")

    class Meta:
        model = Officer
        fields = ("name", "role", "agency", "team", "jurisdiction", "active")

    def clean(self):
        cleaned = super().clean()
        try:
            if all(cleaned.get(f) for f in ("role", "agency", "jurisdiction")):
                services.validate_officer(role=cleaned["role"], agency=cleaned["agency"], team=cleaned.get("team"),
                                          jurisdiction=cleaned["jurisdiction"])
            if cleaned.get("active") is False and self.instance.user_id == getattr(self.actor, "pk", None):
                raise ServiceError("不能停用自己的账号", field="active")
            if cleaned.get("new_password"):
                from django.contrib.auth.password_validation import validate_password
                from django.core.exceptions import ValidationError

                try:
                    validate_password(cleaned["new_password"], self.instance.user)
                except ValidationError as exc:
                    raise ServiceError("；".join(exc.messages), field="new_password") from exc
        except ServiceError as exc:
            _apply_errors(self, exc)
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(label="人员表（.xlsx 或 .csv）")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("只支持 .xlsx 和 .csv 文件")
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError("文件不能超过 5 MB")
        return f


@admin.register(Officer)
class OfficerAdmin(RoleAdmin):
    list_display = ("username", "name", "role_label", "agency", "team", "jurisdiction_name", "active")
    list_filter = ("role", "active", ("agency", admin.RelatedOnlyFieldListFilter),
                   ("team", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "user__username")
    list_select_related = ("user", "agency", "team", "jurisdiction")
    ordering = ("-active", "agency__name", "name")
    scope_lookups = ("jurisdiction_id",)
    actions = ("deactivate_selected",)

    form = OfficerChangeForm
    add_form = OfficerAddForm
    fieldsets = ((None, {"fields": ("username", "name", "role", "agency", "team", "jurisdiction", "active")}),
                 ("登录", {"fields": ("new_password", "last_login")}))
    add_fieldsets = ((None, {"fields": ("username", "password", "name", "role", "agency", "team",
                                        "jurisdiction")}),)
    readonly_fields = ("username", "last_login")

    def get_queryset(self, request):
        # list_select_related named here: the changelist skips it for a queryset that selects already
        return super().get_queryset(request).select_related(*self.list_select_related).defer("jurisdiction__geom")

    @admin.display(description="用户名", ordering="user__username")
    def username(self, obj):
        return obj.user.username

    @admin.display(description="最近登录")
    def last_login(self, obj):
        return obj.user.last_login or "从未登录"

    @admin.display(description="角色", ordering="role")
    def role_label(self, obj):
        return ROLE_LABELS.get(obj.role, obj.role)

    @admin.display(description="辖区", ordering="jurisdiction__name")
    def jurisdiction_name(self, obj):
        return obj.jurisdiction.name

    def has_change_permission(self, request, obj=None):
        # A superuser's login is not for a district admin to reset or disable.
        if obj is not None and obj.user.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.officer_create(
                actor=request.user, username=data["username"], password=data["password"], name=data["name"],
                role=data["role"], agency=data["agency"], team=data.get("team"), jurisdiction=data["jurisdiction"])
            obj.pk, obj.user = created.pk, created.user
            return
        changes = {f: data[f] for f in form.changed_data if f in OfficerChangeForm.Meta.fields}
        services.officer_update(actor=request.user, officer=obj, password=data.get("new_password") or "",
                                **changes)

    @admin.action(description="停用所选人员（保留记录，账号不能再登录）", permissions=["change"])
    def deactivate_selected(self, request, queryset):
        done, skipped = 0, []
        for officer in queryset.select_related("user"):
            if not officer.active:
                continue
            try:
                services.officer_deactivate(actor=request.user, officer=officer)
                done += 1
            except ServiceError as exc:
                skipped.append(f"{officer.name}：{exc.message}")
        self.message_user(request, f"已停用 {done} 人。", messages.SUCCESS)
        if skipped:
            self.message_user(request, "未停用：" + "；".join(skipped), messages.WARNING)

    # -- the officer sheet
    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="org_officer_import"),
                *super().get_urls()]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            report = services.officers_import(actor=request.user, filename=upload.name, data=upload.read())
            if report.ok:
                self.message_user(request, f"已从“{upload.name}”导入 {len(report.created)} 人。", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:org_officer_changelist"))
        from .domain import officer_sheet

        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "title": "批量导入人员", "form": form, "report": report,
            "columns": officer_sheet.COLUMNS, "required": officer_sheet.REQUIRED,
            "roles": list(ROLE_LABELS.values()),
        }
        return TemplateResponse(request, "admin/org/officer/import.html", context)


# -- accounts (django.contrib.auth's 用户 page) ------------------------------------------------

_User = get_user_model()
_PASSWORD_FIELDS = {"password", "password1", "password2", "usable_password"}




class AuditedUserAdmin(UserAdmin):
    """Django's 用户 page (superusers: the login, staff and superuser status, groups and
    permissions, the password), with each write in the audit log like every other write."""

    def save_model(self, request, obj, form, change):
        fields = [f for f in form.changed_data if f not in _PASSWORD_FIELDS]
        before = {f: audit.form_value(form.initial.get(f)) for f in fields} if change else {}
        super().save_model(request, obj, form, change)
        after = {f: audit.form_value(form.cleaned_data.get(f)) for f in fields}
        if _PASSWORD_FIELDS & set(form.changed_data):
            after["password"] = "已设置"
        if change and not after:
            return
        audit.record(actor=request.user, verb=Verb.UPDATED if change else Verb.CREATED, subject=obj,
                     before=before, after=after)

    def user_change_password(self, request, id, form_url=""):
        # Django's view saves without a transaction: the password and its event go together
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = _User._default_manager.get(pk=id)
                audit.record(actor=request.user, verb=Verb.UPDATED, subject=user,
                             after={"password": "已重置" if user.has_usable_password() else "已停用密码登录"})
        return response

    def delete_model(self, request, obj):
        subject = (obj._meta.label_lower, obj.pk)
        super().delete_model(request, obj)
        audit.record(actor=request.user, verb=Verb.DELETED, subject=subject, before={"username": obj.get_username()})

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            gone = [(obj._meta.label_lower, obj.pk, obj.get_username()) for obj in queryset]
            super().delete_queryset(request, queryset)
            for label, pk, name in gone:
                audit.record(actor=request.user, verb=Verb.DELETED, subject=(label, pk), before={"username": name})


if admin.site.is_registered(_User):
    admin.site.unregister(_User)
admin.site.register(_User, AuditedUserAdmin)


class AuditedGroupAdmin(GroupAdmin):
    """Django's 组 page (superusers): a group's permissions are granted to every account in it
    (the 用户 page's model permissions, among them the right to edit accounts), so each write of
    it is in the audit log too, with its permissions before and after."""

    def save_related(self, request, form, formsets, change):
        # the permissions are saved here, after save_model: the event follows them
        super().save_related(request, form, formsets, change)
        fields = list(form.changed_data)
        if change and not fields:
            return
        before = {f: audit.form_value(form.initial.get(f)) for f in fields} if change else {}
        after = {f: audit.form_value(form.cleaned_data.get(f)) for f in fields}
        audit.record(actor=request.user, verb=Verb.UPDATED if change else Verb.CREATED, subject=form.instance,
                     before=before, after=after)

    def delete_model(self, request, obj):
        subject, before = (obj._meta.label_lower, obj.pk), _group_state(obj)
        super().delete_model(request, obj)
        audit.record(actor=request.user, verb=Verb.DELETED, subject=subject, before=before)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # the change list's action runs outside one
            gone = [((obj._meta.label_lower, obj.pk), _group_state(obj)) for obj in queryset]
            super().delete_queryset(request, queryset)
            for subject, before in gone:
                audit.record(actor=request.user, verb=Verb.DELETED, subject=subject, before=before)


def _group_state(group) -> dict:
    return {"name": group.name, "permissions": sorted(group.permissions.values_list("pk", flat=True))}


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, AuditedGroupAdmin)
