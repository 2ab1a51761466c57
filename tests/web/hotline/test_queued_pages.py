"""A large upload on the page: queued, its status page (排队中, auto-refresh), then, once the
job has run, the same report block as the import page; who may see it."""
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hotline.models import Complaint, QueuedImport
from hotline.services.queued import queued_run
from tests.hotline.conftest import xlsx_bytes
from tests.patrol.conftest import other_subdistrict  # noqa: F401  (a second office, with its own supervisor)

pytestmark = pytest.mark.django_db


def _client(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _order(no, when, unit="学院路街道"):  # supervisor1's office
    return [no, when, "反映问题", "", "城市管理", unit, "城市管理办公室", "王工", "是", "已解决", "满意", "", ""]


GOOD = [_order(f"P{i}", f"2026-03-0{i} 09:00") for i in range(1, 6)]


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_a_large_upload_is_queued_then_shows_its_report(client):
    c = _client(client, "supervisor1")
    response = c.post("/hotline/import/", {"file": SimpleUploadedFile("big.xlsx", xlsx_bytes(GOOD))})
    q = QueuedImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hotline/import/{q.pk}/"
    page = c.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "排队中" in html and '<meta http-equiv="refresh"' in html
    assert not Complaint.objects.exists()
    listing = c.get("/hotline/import/").content.decode()
    assert 'id="queued-imports"' in listing and "big.xlsx" in listing and "排队中" in listing

    QueuedImport.objects.filter(pk=q.pk).update(status="running")  # as while the worker imports it
    html = c.get(f"/hotline/import/{q.pk}/").content.decode()
    assert "导入中" in html and '<meta http-equiv="refresh"' in html and 'id="import-result"' not in html
    queued_run(q.pk)
    html = c.get(f"/hotline/import/{q.pk}/").content.decode()
    assert "已完成" in html and 'id="import-result"' in html and "导入完成：新增 5 条" in html
    assert '<meta http-equiv="refresh"' not in html
    assert Complaint.objects.count() == 5
    listing = c.get("/hotline/import/").content.decode()
    assert "已完成" in listing and "新增 5，更新 0，未变 0" in listing
    # someone else who may import sees it too
    assert "导入完成：新增 5 条" in _client(client, "admin").get(f"/hotline/import/{q.pk}/").content.decode()


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_a_bad_large_upload_names_its_rows_and_saves_nothing(client):
    c = _client(client, "supervisor1")
    rows = [*GOOD[:2], _order("PX", "不是日期"), *GOOD[2:]]
    c.post("/hotline/import/", {"file": SimpleUploadedFile("bad.xlsx", xlsx_bytes(rows))})
    q = QueuedImport.objects.get()
    queued_run(q.pk)
    html = c.get(f"/hotline/import/{q.pk}/").content.decode()
    assert "未导入任何数据" in html and 'id="validation-report"' in html
    assert "<td class=\"num\">4</td><td>受理时间</td><td>不是有效的日期时间</td><td>不是日期</td>" in html
    assert not Complaint.objects.exists()
    assert "未导入，查看报告" in c.get("/hotline/import/").content.decode()


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_a_failed_job_can_be_queued_again_from_its_page(client, monkeypatch):
    c = _client(client, "supervisor1")
    c.post("/hotline/import/", {"file": SimpleUploadedFile("big.xlsx", xlsx_bytes(GOOD))})
    q = QueuedImport.objects.get()

    def boom(**kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr("hotline.services.queued.complaints_import", boom)
    with pytest.raises(RuntimeError):
        queued_run(q.pk)
    monkeypatch.undo()
    html = c.get(f"/hotline/import/{q.pk}/").content.decode()
    assert "失败" in html and "磁盘已满" in html and 'name="retry"' in html
    response = c.post(f"/hotline/import/{q.pk}/", {"retry": "1"})
    assert response.status_code == 302 and "排队中" in c.get(f"/hotline/import/{q.pk}/").content.decode()
    queued_run(q.pk)
    assert Complaint.objects.count() == 5


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
def test_the_status_page_needs_the_import_right(client):
    c = _client(client, "supervisor1")
    c.post("/hotline/import/", {"file": SimpleUploadedFile("big.xlsx", xlsx_bytes(GOOD))})
    q = QueuedImport.objects.get()
    client.logout()
    assert _client(client, "officer1").get(f"/hotline/import/{q.pk}/").status_code == 403
    client.logout()
    assert client.get(f"/hotline/import/{q.pk}/").status_code == 302  # to sign in
    assert _client(client, "supervisor1").get("/hotline/import/999999/").status_code == 404


def test_a_small_upload_is_still_imported_in_the_request(client):
    response = _client(client, "supervisor1").post(
        "/hotline/import/", {"file": SimpleUploadedFile("small.xlsx", xlsx_bytes(GOOD))})
    assert response.status_code == 200 and "新增 5 条" in response.content.decode()
    assert not QueuedImport.objects.exists() and 'id="queued-imports"' not in response.content.decode()


def _worker(monkeypatch):
    # the worker closes stale connections between jobs; the test's one holds its transaction
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@override_settings(HOTLINE_INLINE_MAX_ROWS=3, JOBS_MAX_ATTEMPTS=2, JOBS_RETRY_BACKOFF_SECONDS=600)
def test_a_run_that_failed_waits_for_its_retry_and_fails_only_when_retries_are_spent(client, monkeypatch):
    c = _client(client, "supervisor1")
    c.post("/hotline/import/", {"file": SimpleUploadedFile("big.xlsx", xlsx_bytes(GOOD))})
    q = QueuedImport.objects.get()

    def boom(**kwargs):
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr("hotline.services.queued.complaints_import", boom)
    _worker(monkeypatch)  # the first run fails: the job waits 600 s for its second
    job = DBTaskResult.objects.get()
    assert job.status == "READY"
    q.refresh_from_db()
    assert q.status == "retry"  # not "failed": the job runs again
    assert (q.attempts, q.retry_at) == (1, job.run_after)
    html = c.get(f"/hotline/import/{q.pk}/").content.decode()
    due_at = timezone.localtime(job.run_after)
    # the time alone today; with its date when the retry falls after local midnight (a run that
    # fails in the ten minutes before 00:00 Asia/Shanghai)
    due = due_at.strftime("%H:%M:%S" if due_at.date() == timezone.localdate() else "%Y-%m-%d %H:%M:%S")
    assert f"等待重试：第 1 次运行失败，将于 {due} 自动重试（最多运行 2 次）。上次的错误：系统错误（RuntimeError: 数据库连接中断）" in html
    assert "失败" not in html.replace("第 1 次运行失败", "") and 'name="retry"' not in html  # not failed, no requeue
    assert '<meta http-equiv="refresh"' in html
    assert "等待重试" in c.get("/hotline/import/").content.decode()
    body = c.get(f"/api/v1/complaints/imports/{q.pk}").json()
    assert (body["status"], body["attempts"], body["max_attempts"], body["message"]) == (
        "retry", 1, 2, "系统错误（RuntimeError: 数据库连接中断）")
    assert body["retry_at"] == job.run_after.isoformat() and body["status_text"].startswith("等待重试：第 1 次运行失败")

    DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now())
    _worker(monkeypatch)  # the second and last run fails too: given up
    q.refresh_from_db()
    assert (q.status, q.attempts, q.retry_at) == ("failed", 2, None)
    html = c.get(f"/hotline/import/{q.pk}/").content.decode()
    assert "失败" in html and "等待重试" not in html and 'name="retry"' in html
    assert "系统错误（RuntimeError: 数据库连接中断）；已运行 2 次均失败，不再自动重试" in html
    assert '<meta http-equiv="refresh"' not in html and not Complaint.objects.exists()
    assert c.get(f"/api/v1/complaints/imports/{q.pk}").json()["status"] == "failed"


@override_settings(HOTLINE_INLINE_MAX_ROWS=3)
@pytest.mark.usefixtures("other_subdistrict")
def test_another_offices_supervisor_can_neither_see_nor_queue_again_an_import(client, monkeypatch):
    # The 管理后台 limits queued imports to the importer's jurisdiction (a report quotes the
    # file's rows: callers' words and addresses); the page, its list and the API showed them all.
    c = _client(client, "supervisor1")  # 学院路街道
    c.post("/hotline/import/", {"file": SimpleUploadedFile("学院路-大.xlsx", xlsx_bytes(GOOD))})
    q = QueuedImport.objects.get()

    def broken(**kwargs):
        raise RuntimeError("数据库连接中断")
    monkeypatch.setattr("hotline.services.queued.complaints_import", broken)
    with pytest.raises(RuntimeError):
        queued_run(q.pk)  # failed for good: 重新排队 is offered
    client.logout()

    other = _client(client, "other_supervisor")  # 测试街道
    assert other.get(f"/hotline/import/{q.pk}/").status_code == 404
    assert other.post(f"/hotline/import/{q.pk}/", {"retry": "1"}).status_code == 404
    q.refresh_from_db()
    assert q.status == "failed" and DBTaskResult.objects.count() == 1  # not queued again by them
    assert "学院路-大.xlsx" not in other.get("/hotline/import/").content.decode()
    assert other.get(f"/api/v1/complaints/imports/{q.pk}").status_code == 404
    client.logout()

    mine = _client(client, "supervisor1")
    assert mine.get(f"/hotline/import/{q.pk}/").status_code == 200
    assert "学院路-大.xlsx" in mine.get("/hotline/import/").content.decode()
    assert mine.get(f"/api/v1/complaints/imports/{q.pk}").status_code == 200
    client.logout()
    district = _client(client, "admin")  # 区级管理员: the whole district's
    assert district.get(f"/hotline/import/{q.pk}/").status_code == 200
