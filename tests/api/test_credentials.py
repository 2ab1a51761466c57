"""API keys (Open311) and API tokens (/api/v1/) are stored as prefix + digest only, shown
once when issued (service, admin, command), and refused once revoked."""
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from api.models import PREFIX_LENGTH, ApiKey, ApiToken
from patrol.services.demo import demo_api_key

pytestmark = pytest.mark.django_db

# On 学院路 just south of 清华东路, inside the demo subdistrict 学院路街道.
INSIDE = {"lat": "39.99912", "long": "116.34636"}
SECRET = re.compile(r"<code>([A-Za-z0-9]{43})</code>")


def user(username: str):
    return get_user_model().objects.get(username=username)


def stored_row(model, pk) -> str:
    """Every column of the row as the database has it, joined."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table} WHERE id = %s", [pk])  # table name from the model
        return " ".join(str(value) for value in cursor.fetchone())


def revealed(secret: str, text: str) -> set[str]:
    """Pieces of the secret longer than its prefix (which is kept, by design) found in text."""
    n = PREFIX_LENGTH + 1
    return {secret[i:i + n] for i in range(len(secret) - n + 1) if secret[i:i + n] in text}


def post_request(key: str):
    return Client().post("/open311/v2/requests.json", {"api_key": key, "service_code": "0102", **INSIDE})


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# -- stored as digests -------------------------------------------------------------------------
@pytest.mark.parametrize("model, username", [(ApiKey, "open311"), (ApiToken, "officer1")])
def test_the_database_row_holds_no_more_of_the_secret_than_its_prefix(model, username):
    credential, secret = model.issue(name="系统", user=user(username))
    row = stored_row(model, credential.pk)
    assert revealed(secret, row) == set()
    assert credential.prefix == secret[:PREFIX_LENGTH] and credential.prefix in row
    assert len(secret) == 43 and secret.isalnum()  # 43 × log2(62) ≈ 256 random bits
    assert model.lookup(secret) == credential


@pytest.mark.parametrize("model", [ApiKey, ApiToken])
def test_lookup_needs_the_whole_secret(model):
    _, secret = model.issue(name="系统", user=user("open311"))
    assert model.lookup(secret[:-1]) is None
    assert model.lookup(secret[:PREFIX_LENGTH]) is None
    assert model.lookup(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert model.lookup("") is None


# -- Open311 keys ----------------------------------------------------------------------------
def test_a_newly_issued_key_posts_an_open311_request():
    _, key = ApiKey.issue(name="12345 热线系统", user=user("open311"))
    response = post_request(key)
    assert response.status_code == 200, response.content
    assert response.json()[0]["service_request_id"]


def test_a_revoked_key_is_refused():
    api_key, key = ApiKey.issue(name="12345 热线系统", user=user("open311"))
    assert ApiKey.revoke(ids=[api_key.pk]) == 1
    api_key.refresh_from_db()
    assert not api_key.active and api_key.revoked_at is not None
    response = post_request(key)
    assert response.status_code == 403 and "已吊销" in response.json()[0]["description"]
    assert ApiKey.revoke(ids=[api_key.pk]) == 0  # already revoked: unchanged


def test_load_demo_revokes_the_previous_demo_key_and_issues_a_new_one():
    first = demo_api_key()
    second = demo_api_key()
    assert first != second
    assert post_request(first).status_code == 403
    assert post_request(second).status_code == 200
    assert ApiKey.objects.filter(name="演示外部系统", active=True).count() == 1


# -- API tokens ------------------------------------------------------------------------------
def test_a_token_authenticates_and_records_its_last_use():
    token, key = ApiToken.issue(name="平板", user=user("officer1"))
    assert token_client(key).get("/api/v1/problems/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("case, message", [("revoked", "令牌已吊销"), ("inactive_user", "账号已停用"),
                                           ("unknown", "令牌无效")])
def test_a_revoked_or_unknown_token_or_an_inactive_account_is_a_401(case, message):
    officer = user("officer1")
    token, key = ApiToken.issue(name="平板", user=officer)
    if case == "revoked":
        ApiToken.revoke(ids=[token.pk])
    elif case == "inactive_user":
        officer.is_active = False
        officer.save()
    else:
        key = key[:-4] + "AAAA"
    response = token_client(key).get("/api/v1/problems/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert message in response.json()["detail"]


def test_create_token_prints_the_key_alone_on_stdout():
    out, err = io.StringIO(), io.StringIO()
    call_command("create_token", "officer1", "--name", "执法一队 1 号平板", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert out.getvalue() == key + "\n" and "只显示这一次" in err.getvalue()
    assert token_client(key).get("/api/v1/problems/").status_code == 200
    assert ApiToken.objects.get(prefix=key[:PREFIX_LENGTH]).name == "执法一队 1 号平板"
    out, err = io.StringIO(), io.StringIO()
    call_command("create_token", "officer1", "--quiet", stdout=out, stderr=err)
    assert err.getvalue() == "" and ApiToken.lookup(out.getvalue().strip()) is not None


def test_create_token_refuses_an_unknown_user():
    from django.core.management.base import CommandError
    with pytest.raises(CommandError):
        call_command("create_token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())


# -- admin -----------------------------------------------------------------------------------
def admin_client(username: str = "admin") -> Client:
    client = Client()
    client.force_login(user(username))
    return client


@pytest.mark.parametrize("model, username", [(ApiToken, "officer1"), (ApiKey, "open311")])
def test_the_admin_shows_the_new_secret_once(model, username):
    client = admin_client()
    base = f"/admin/api/{model._meta.model_name}/"
    response = client.post(f"{base}add/", {"name": "执法一队 1 号平板", "user": user(username).pk}, follow=True)
    assert response.status_code == 200
    shown = SECRET.findall(response.content.decode())
    assert len(shown) == 1, response.content.decode()
    secret = shown[0]
    assert "只显示这一次" in response.content.decode()
    credential = model.lookup(secret)
    assert credential is not None and credential.name == "执法一队 1 号平板"
    assert revealed(secret, stored_row(model, credential.pk)) == set()
    # Never again: not on the list, not on the change page; the digest is not shown either.
    for page in (base, f"{base}{credential.pk}/change/"):
        content = client.get(page).content.decode()
        assert revealed(secret, content) == set()
        assert credential.digest not in content
        assert credential.prefix in content


def test_the_admin_change_page_cannot_edit_the_account_or_the_secret():
    token, _ = ApiToken.issue(name="平板", user=user("officer1"))
    client = admin_client()
    response = client.post(f"/admin/api/apitoken/{token.pk}/change/",
                           {"name": "新名字", "user": user("officer2").pk, "digest": "0" * 64, "prefix": "AAAAAAAA"})
    assert response.status_code == 302
    before_digest, before_prefix = token.digest, token.prefix
    token.refresh_from_db()
    assert (token.name, token.user.username, token.digest, token.prefix) == (
        "新名字", "officer1", before_digest, before_prefix)


@pytest.mark.parametrize("model", [ApiToken, ApiKey])
def test_the_admin_revoke_action(model):
    credential, secret = model.issue(name="平板", user=user("open311"))
    other, _ = model.issue(name="另一台", user=user("open311"))
    response = admin_client().post(f"/admin/api/{model._meta.model_name}/",
                                   {"action": "revoke", "_selected_action": [credential.pk]}, follow=True)
    assert response.status_code == 200 and "已吊销 1 个" in response.content.decode()
    credential.refresh_from_db()
    other.refresh_from_db()
    assert (credential.active, other.active) == (False, True) and credential.revoked_at is not None


def test_credentials_cannot_be_deleted_from_the_admin():
    token, _ = ApiToken.issue(name="平板", user=user("officer1"))
    assert admin_client().get(f"/admin/api/apitoken/{token.pk}/delete/").status_code == 403


def test_only_superusers_and_district_admins_manage_credentials():
    staff = user("supervisor1")
    staff.is_staff = True
    staff.save()
    assert admin_client("supervisor1").get("/admin/api/apikey/").status_code == 403
    assert admin_client("supervisor1").get("/admin/api/apitoken/add/").status_code == 403
    # The demo admin without superuser rights is still a district admin by its officer profile.
    admin = user("admin")
    admin.is_superuser = False
    admin.save()
    assert admin.officer.role == "district_admin"
    client = admin_client("admin")
    assert client.get("/admin/api/apikey/").status_code == 200
    response = client.post("/admin/api/apikey/add/", {"name": "外部系统", "user": user("open311").pk}, follow=True)
    assert len(SECRET.findall(response.content.decode())) == 1


def test_a_district_admin_issues_keys_only_for_accounts_of_their_jurisdiction(client):
    from django.contrib.auth import get_user_model

    from geodata.models import Area, AreaKind
    from org.models import Agency, AgencyKind, Officer, Role
    sub = Area.objects.get(kind=AreaKind.SUBDISTRICT, name="学院路街道")
    street_admin = get_user_model().objects.create_user("street_admin", password="x", is_staff=True)
    agency = Agency.objects.filter(area=sub).first() or Agency.objects.create(
        name="测试执法队", kind=AgencyKind.ENFORCEMENT, area=sub)
    Officer.objects.create(user=street_admin, name="街道管理员", role=Role.DISTRICT_ADMIN, agency=agency,
                           jurisdiction=sub)
    client.force_login(street_admin)
    page = client.get("/admin/api/apikey/add/")
    assert page.status_code == 200
    choices = {label for _, label in page.context["adminform"].form.fields["user"].choices}
    assert "officer1" in choices  # 学院路街道
    assert "admin" not in choices  # the district's administrator: outside a street office's reach


@pytest.mark.parametrize("model", [ApiToken, ApiKey])
def test_a_district_admin_cannot_issue_a_credential_that_acts_as_a_superuser(model):
    from geodata.models import Area, AreaKind
    from org.models import Agency, Officer, Role
    district_admin = get_user_model().objects.create_user("hd_admin", password="x", is_staff=True)
    Officer.objects.create(user=district_admin, name="区管理员", role=Role.DISTRICT_ADMIN,
                           agency=Agency.objects.get(name="海淀区城市管理委员会"),
                           jurisdiction=Area.objects.get(kind=AreaKind.DISTRICT, code="110108"))
    root = user("admin")
    assert root.is_superuser and root.officer.jurisdiction.code == "110108"  # in the admin's jurisdiction
    client = admin_client("hd_admin")
    base = f"/admin/api/{model._meta.model_name}/"
    choices = {label for _, label in client.get(base + "add/").context["adminform"].form.fields["user"].choices}
    assert "officer1" in choices and "admin" not in choices
    response = client.post(base + "add/", {"name": "冒充", "user": root.pk})
    assert response.status_code == 200  # the form refuses the choice
    assert not model.objects.filter(name="冒充").exists()
    # a superuser still may
    response = admin_client("admin").post(base + "add/", {"name": "超级", "user": root.pk})
    assert response.status_code == 302 and model.objects.get(name="超级").user == root


@pytest.mark.parametrize("model", [ApiToken, ApiKey])
def test_a_district_admin_neither_sees_nor_revokes_a_superusers_credentials(model):
    """Found in review: the list hid only accounts outside the jurisdiction, so a district
    admin saw a superuser's tokens and keys (the superuser has a profile in the district) and
    could rename or revoke them, which the admin's own rule says is the superuser's to manage."""
    from geodata.models import Area, AreaKind
    from org.models import Agency, Officer, Role
    district_admin = get_user_model().objects.create_user("hd_admin2", password="x", is_staff=True)
    Officer.objects.create(user=district_admin, name="区管理员", role=Role.DISTRICT_ADMIN,
                           agency=Agency.objects.get(name="海淀区城市管理委员会"),
                           jurisdiction=Area.objects.get(kind=AreaKind.DISTRICT, code="110108"))
    root = user("admin")
    theirs = model.issue(user=root, name="超级用户的凭据")[0]
    ours = model.issue(user=user("officer1"), name="队员的凭据")[0]
    client = admin_client("hd_admin2")
    base = f"/admin/api/{model._meta.model_name}/"
    listed = client.get(base).content.decode()
    assert "队员的凭据" in listed and "超级用户的凭据" not in listed
    assert client.get(f"{base}{theirs.pk}/change/").status_code == 302  # not found in the list's rows
    assert client.get(f"{base}{ours.pk}/change/").status_code == 200
