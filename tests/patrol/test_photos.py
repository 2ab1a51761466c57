"""Photos: type and size checked, turned upright, thumbnailed; bad files save nothing."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from patrol.models import ProblemPhoto

from .conftest import new_problem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg(width=40, height=20, orientation=None) -> bytes:
    img = Image.new("RGB", (width, height), (200, 30, 30))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(client, pid, data, name="p.jpg", kind="before", content_type="image/jpeg"):
    f = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(f"/api/v1/problems/{pid}/photos", {"kind": kind, "photo": f}, format="multipart")


def test_photo_is_turned_upright_and_thumbnailed(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    r = upload(client, pid, jpeg(40, 20, orientation=6))  # EXIF: rotate 90° to view
    assert r.status_code == 201, r.json()
    assert (r.json()["width"], r.json()["height"]) == (20, 40)
    photo = ProblemPhoto.objects.get()
    with Image.open(photo.thumbnail.path) as t:
        assert max(t.size) <= 320
    with Image.open(photo.image.path) as full:
        assert full.getexif().get(0x0112) is None  # orientation applied, EXIF dropped
    assert client.get(f"/api/v1/problems/{pid}/").json()["photos"][0]["kind"] == "before"


def test_png_is_accepted(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    out = io.BytesIO()
    Image.new("RGB", (500, 500)).save(out, "PNG")
    assert upload(client, pid, out.getvalue(), name="a.png", content_type="image/png").status_code == 201


@pytest.mark.parametrize(("data", "name"), [
    (b"%PDF-1.4 not an image", "doc.pdf"),
    (b"\xff\xd8\xff\xe0 truncated jpeg", "broken.jpg"),
    (b"", "empty.jpg"),
])
def test_non_images_are_a_422_and_save_nothing(as_user, data, name):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    r = upload(client, pid, data, name=name)
    assert r.status_code == 422 and "photo" in r.json()["errors"], r.json()
    assert ProblemPhoto.objects.count() == 0


def test_a_16_bit_grey_png_keeps_its_greys(as_user):
    # convert("RGB") clips 16-bit values at 255: mid-grey (32768 of 65535) came out white.
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    out = io.BytesIO()
    Image.new("I;16", (40, 20), 32768).save(out, "PNG")
    assert Image.open(io.BytesIO(out.getvalue())).mode == "I;16"
    assert upload(client, pid, out.getvalue(), name="grey.png", content_type="image/png").status_code == 201
    with Image.open(ProblemPhoto.objects.get().image.path) as stored:
        r, g, b = stored.getpixel((10, 10))
    assert 120 <= r <= 136 and r == g == b


def test_a_picture_past_pillows_own_pixel_limit_is_too_many_pixels_not_invalid(as_user, monkeypatch):
    # Pillow refuses to open one over 2 × MAX_IMAGE_PIXELS (a decompression bomb) before our
    # MAX_PIXELS check is reached; lowered here so that the file stays small.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    out = io.BytesIO()
    Image.new("L", (100, 100)).save(out, "PNG")
    r = upload(client, pid, out.getvalue(), name="huge.png", content_type="image/png")
    assert r.status_code == 422 and r.json()["errors"] == {"photo": ["照片像素过多"]}
    assert not ProblemPhoto.objects.exists()


def test_oversized_photo_is_a_422(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    r = upload(client, pid, b"\xff" * (10 * 1024 * 1024 + 1))
    assert r.status_code == 422 and "photo" in r.json()["errors"]
    assert ProblemPhoto.objects.count() == 0


def test_bad_kind_is_a_400(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    assert "kind" in upload(client, pid, jpeg(), kind="selfie").json()["errors"]


def test_publisher_cannot_add_photos(as_user):
    pid = new_problem(as_user("officer1")).json()["id"]
    assert upload(as_user("publisher1"), pid, jpeg()).status_code == 403


def test_outcome_evidence_photo(as_user):
    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    oid = client.post(f"/api/v1/problems/{pid}/outcomes", {"kinds": ["罚款"], "target_kind": "三轮摩托车", "count": 1,
                                                            "fine_amount": "200"}, format="json").json()["id"]
    f = SimpleUploadedFile("e.jpg", jpeg(), content_type="image/jpeg")
    r = client.post(f"/api/v1/outcomes/{oid}/photos", {"photo": f}, format="multipart")
    assert r.status_code == 201, r.json()
    assert [p["id"] for p in client.get(f"/api/v1/problems/{pid}/").json()["outcomes"][0]["photos"]] == [r.json()["id"]]
    bad = client.post(f"/api/v1/outcomes/{oid}/photos",
                      {"photo": SimpleUploadedFile("x.jpg", b"nope", content_type="image/jpeg")}, format="multipart")
    assert bad.status_code == 422 and "photo" in bad.json()["errors"]


def test_photo_files_are_served_only_within_the_jurisdiction(as_user, other_subdistrict, client):
    owner = as_user("officer1")
    pid = new_problem(owner).json()["id"]
    url = upload(owner, pid, jpeg()).json()["url"].replace("http://testserver", "")
    assert owner.get(url).status_code == 200
    assert as_user("other_officer").get(url).status_code == 404
    assert client.get(url).status_code in (401, 403)


def _files(root):
    return sorted(p.name for p in (root / "photos").glob("*")) if (root / "photos").exists() else []


def test_a_failed_save_leaves_no_files_behind(as_user, tmp_path, monkeypatch):
    from core.models import AuditEvent

    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    assert upload(client, pid, jpeg()).status_code == 201
    kept = _files(tmp_path)
    assert len(kept) == 2  # the photo and its thumbnail

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(AuditEvent, "save", broken)  # the audit event's INSERT fails
    with pytest.raises(RuntimeError):
        from django.contrib.auth import get_user_model

        from patrol.services.photos import photo_add
        photo_add(actor=get_user_model().objects.get(username="officer1"), problem_id=pid, kind="after",
                  data=jpeg())
    assert _files(tmp_path) == kept
    assert ProblemPhoto.objects.filter(problem_id=pid).count() == 1


def test_photos_prune_removes_only_old_unreferenced_files(as_user, tmp_path, capsys):
    import os
    import time

    from django.core.management import call_command

    client = as_user("officer1")
    pid = new_problem(client).json()["id"]
    assert upload(client, pid, jpeg()).status_code == 201
    used = _files(tmp_path)
    old_orphan, young_orphan = tmp_path / "photos" / "crashed.jpg", tmp_path / "photos" / "uploading.jpg"
    old_orphan.write_bytes(jpeg())
    young_orphan.write_bytes(jpeg())
    two_hours_ago = time.time() - 7200
    os.utime(old_orphan, (two_hours_ago, two_hours_ago))
    for name in used:  # referenced files are kept however old they are
        os.utime(tmp_path / "photos" / name, (two_hours_ago, two_hours_ago))

    call_command("photos_prune")
    out = capsys.readouterr().out
    assert "photos/crashed.jpg" in out and "uploading" not in out and "共 1 个" in out
    assert old_orphan.exists()  # listing deletes nothing

    call_command("photos_prune", "--delete")
    assert not old_orphan.exists() and young_orphan.exists()
    assert _files(tmp_path) == sorted([*used, "uploading.jpg"])


def test_photos_prune_refuses_to_touch_files_of_uploads_in_progress():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="至少为 10"):
        call_command("photos_prune", "--delete", "--older-than-minutes", "0")
