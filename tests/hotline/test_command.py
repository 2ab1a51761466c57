"""manage.py import_hotline: the report on stdout, a refusal as a CommandError."""
import pytest
from django.core.management import CommandError, call_command

from hotline.models import Complaint

from .conftest import csv_bytes, order

pytestmark = pytest.mark.django_db


def test_the_command_imports_with_an_explicit_mapping_and_reports_counts(tmp_path, capsys):
    headers = ["单号", "来电时间", "诉求内容", "街乡"]
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes([["K1", "2026-03-02 08:00", "反映噪音", "学院路街道"]], headers=headers, encoding="gbk"))
    call_command("import_hotline", str(path), "--mapping", "工单编号=单号,承办单位=街乡")
    assert "新增 1 条" in capsys.readouterr().out
    assert Complaint.objects.get(order_no="K1").unit_name == "学院路街道"


def test_the_command_refuses_a_file_with_errors_and_lists_them(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([order("K2", "2026-03-02"), order("K3", "明天")]))
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_hotline", str(path))
    assert "第3行，“受理时间”列：不是有效的日期时间（值：“明天”）" in capsys.readouterr().out
    assert not Complaint.objects.exists()


def test_dry_run_and_missing_file(tmp_path, capsys):
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes([order("K4", "2026-03-02")]))
    call_command("import_hotline", str(path), "--dry-run")
    assert "试运行" in capsys.readouterr().out and not Complaint.objects.exists()
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_hotline", str(tmp_path / "none.xlsx"))
