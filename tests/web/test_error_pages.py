"""The error pages a browser user meets are the platform's own, in Chinese, with a way back:
Django's defaults are English ("Not Found", "CSRF verification failed. Request aborted.")."""
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views import defaults


def test_an_unknown_page_is_a_chinese_404_with_links_back(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and "Not Found" not in text
    assert 'href="/dashboard/"' in text


def test_the_api_keeps_its_problem_json_404(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_form_posted_without_its_csrf_token_says_the_page_expired():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "页面已过期" in text and "刷新后重新提交" in text
    assert "CSRF verification failed" not in text


def test_server_error_and_bad_request_pages_render_without_a_request_context():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = defaults.server_error(request)
    assert response.status_code == 500 and "服务器出错" in response.content.decode()
    response = defaults.bad_request(request, exception=Exception("x"))
    assert response.status_code == 400 and "请求无效" in response.content.decode()


def test_permission_denied_outside_the_app_pages_is_chinese(rf):
    request = rf.get("/dashboard/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403 and "无权访问" in response.content.decode()
