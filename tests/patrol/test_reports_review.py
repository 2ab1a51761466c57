"""Defects found in review (photos, outcomes, categories), each reproduced before its fix."""
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from patrol.models import Category, Outcome, Problem, ProblemPhoto

from .conftest import new_problem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg(comment: bytes | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 59.0, 56.0), 3: "E", 4: (116.0, 20.0, 47.0)}  # GPS
    out = io.BytesIO()
    extra = {"comment": comment} if comment else {}
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes(), **extra)
    return out.getvalue()


def upload(client, pid, data, name="p.jpg", content_type="image/jpeg"):
    f = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(f"/api/v1/problems/{pid}/photos", {"kind": "before", "photo": f}, format="multipart")


def test_several_photos_in_one_request_are_refused_not_reduced_to_the_last(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    files = [SimpleUploadedFile(f"p{i}.jpg", jpeg(), content_type="image/jpeg") for i in range(3)]
    r = client.post(f"/api/v1/problems/{pid}/photos", {"kind": "before", "photo": files}, format="multipart")
    # was 201 with one photo stored: two of three dropped without a word
    assert r.status_code == 400 and "photo" in r.json()["errors"], r.json()
    assert ProblemPhoto.objects.count() == 0


def test_several_evidence_photos_in_one_request_are_refused(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    oid = client.post(f"/api/v1/problems/{pid}/outcomes", {"kinds": ["劝阻"], "target_kind": "商户", "count": 1},
                      format="json").json()["id"]
    files = [SimpleUploadedFile(f"e{i}.jpg", jpeg(), content_type="image/jpeg") for i in range(2)]
    r = client.post(f"/api/v1/outcomes/{oid}/photos", {"photo": files}, format="multipart")
    assert r.status_code == 400 and "photo" in r.json()["errors"], r.json()


def test_an_iphone_heic_is_named_as_an_unsupported_format_not_as_no_picture(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200  # an iPhone's file starts so
    r = upload(client, pid, heic, name="IMG_0001.HEIC", content_type="image/heic")
    assert r.status_code == 422
    assert "HEIC" in r.json()["errors"]["photo"][0], r.json()  # was 文件不是有效的图片


def test_a_transparent_png_is_laid_on_white_not_black(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    img = Image.new("RGBA", (40, 40), (0, 0, 0, 0))  # what editors write for "transparent"
    img.paste((255, 0, 0, 255), (10, 10, 30, 30))
    out = io.BytesIO()
    img.save(out, "PNG")
    assert upload(client, pid, out.getvalue(), name="a.png", content_type="image/png").status_code == 201
    with Image.open(ProblemPhoto.objects.get().image.path) as stored:
        assert min(stored.getpixel((1, 1))) > 240  # was (0, 0, 0)
        r, g, b = stored.getpixel((20, 20))
        assert r > 200 and g < 60 and b < 60


def test_no_metadata_of_the_upload_is_kept(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    assert upload(client, pid, jpeg(comment=b"39.9988,116.3464 Wang")).status_code == 201
    photo = ProblemPhoto.objects.get()
    for f in (photo.image, photo.thumbnail):
        raw = open(f.path, "rb").read()
        assert b"Wang" not in raw  # the JPEG comment was copied into the stored photo
        with Image.open(f.path) as im:
            assert not im.getexif() and "comment" not in im.info


@pytest.mark.parametrize("kinds", [["罚款", "罚款"], ["fine", "罚款"]])
def test_one_kind_named_twice_is_stored_once(as_user, kinds):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    r = client.post(f"/api/v1/problems/{pid}/outcomes", {"kinds": kinds, "target_kind": "三轮摩托车", "count": 1,
                                                          "fine_amount": "200"}, format="json")
    assert r.status_code == 201
    assert r.json()["kinds"] == ["罚款"] and Outcome.objects.get().kinds == ["罚款"]  # was ["罚款", "罚款"]


def test_a_report_in_a_switched_off_category_says_so(as_user):
    client = as_user("officer1")
    Category.objects.filter(name="积存垃圾渣土").update(active=False)
    r = new_problem(client, client_id=str(uuid.uuid4()))  # queued on a tablet before the switch
    assert r.status_code == 422
    assert "已停用" in r.json()["errors"]["category"][0], r.json()  # was 未知问题类别 '积存垃圾渣土'
    assert "未知" in new_problem(client, category="没有这个类别").json()["errors"]["category"][0]


def test_an_edit_that_sends_the_problems_own_switched_off_category_back_is_saved(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    code = Problem.objects.get(pk=pid).category.code
    Category.objects.filter(code=code).update(active=False)
    r = client.patch(f"/api/v1/problems/{pid}/", {"category": code, "description": "已清运一半"}, format="json")
    assert r.status_code == 200, r.json()  # was 422 未知问题类别
    p = Problem.objects.get(pk=pid)
    assert p.description == "已清运一半" and p.category.code == code
    other = client.patch(f"/api/v1/problems/{pid}/", {"category": "0101"}, format="json")
    assert other.status_code == 200 and other.json()["category"] == "0101"
    back = client.patch(f"/api/v1/problems/{pid}/", {"category": code}, format="json")
    assert back.status_code == 422 and "已停用" in back.json()["errors"]["category"][0]
