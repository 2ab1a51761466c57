"""Photos: validated (type and size), turned upright (EXIF orientation), re-encoded as
JPEG without the rest of the EXIF (no GPS leaks), with a thumbnail."""
from __future__ import annotations

import io
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from core import audit
from core.domain.verbs import Verb
from core.errors import Forbidden, NotFound, ServiceError
from org.domain import permissions
from org.selectors import in_jurisdiction, officer_of

from ..models import Outcome, OutcomePhoto, Problem, ProblemPhoto
from ..models.problems import PhotoKind

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# MPO: the JPEG that many phones write (a depth or preview frame beside the photo).
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
LONG_SIDE = 2048
THUMB_SIDE = 320
# Modes of 16-bit greyscale (a PNG from a scanner or a thermal camera): convert("RGB") clips
# their 0–65535 values at 255, turning every grey white; they are scaled to 8 bits first.
SIXTEEN_BIT = {"I", "I;16", "I;16B", "I;16L", "I;16N"}
# ISO base media files Pillow cannot read: an iPhone's HEIC (and HEIF, AVIF). Named by their
# `ftyp` brand, so the officer is told the format, not that the photo is no picture.
HEIF_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"hevc": "HEIC", b"heim": "HEIC", b"heis": "HEIC",
               b"mif1": "HEIF", b"msf1": "HEIF", b"avif": "AVIF", b"avis": "AVIF"}


def _heif_kind(data: bytes) -> str | None:
    """HEIC/HEIF/AVIF when `data` opens with such an `ftyp` box (major brand first)."""
    if data[4:8] != b"ftyp":
        return None
    brands = [data[8:12]] + [data[i:i + 4] for i in range(16, min(len(data), 64), 4)]
    return next((HEIF_BRANDS[b] for b in brands if b in HEIF_BRANDS), None)


def _flatten(img: Image.Image) -> Image.Image:
    """RGB for JPEG. A picture with transparency (a PNG or WebP cut-out) is laid on white:
    convert("RGB") drops the alpha and shows whatever colour the transparent pixels hold,
    usually black."""
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img.convert("RGB")


def prepare_image(data: bytes) -> tuple[bytes, bytes, int, int]:
    """(jpeg, thumbnail jpeg, width, height) from uploaded bytes, or ServiceError('photo')."""
    if len(data) > MAX_BYTES:
        raise ServiceError(f"照片超过 {MAX_BYTES // (1024 * 1024)} MB", field="photo")
    if not data:
        raise ServiceError("照片为空", field="photo")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in ACCEPTED_FORMATS:
                raise ServiceError(f"不支持的图片格式 {fmt}，请上传 JPEG、PNG 或 WebP", field="photo")
            if probe.width * probe.height > MAX_PIXELS:
                raise ServiceError("照片像素过多", field="photo")
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)
            if img.mode in SIXTEEN_BIT:
                img = img.convert("I").point(lambda v: v / 256).convert("L")
            img = _flatten(img)
    except ServiceError:
        raise
    except UnidentifiedImageError as exc:
        kind = _heif_kind(data)
        if kind:
            raise ServiceError(f"不支持的图片格式 {kind}，请上传 JPEG、PNG 或 WebP"
                               "（iPhone：设置 › 相机 › 格式 › 兼容性最佳）", field="photo") from exc
        raise ServiceError("文件不是有效的图片", field="photo") from exc
    except Image.DecompressionBombError as exc:  # past Pillow's own limit, before ours is read
        raise ServiceError("照片像素过多", field="photo") from exc
    except Exception as exc:  # Pillow raises many kinds on damaged files (OSError, ValueError, TypeError…)
        raise ServiceError("文件不是有效的图片", field="photo") from exc
    img.thumbnail((LONG_SIDE, LONG_SIDE))
    img.info.clear()  # nothing of the upload's metadata is written again (a JPEG comment is kept by Pillow)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    thumb = img.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    tout = io.BytesIO()
    thumb.save(tout, "JPEG", quality=80)
    return out.getvalue(), tout.getvalue(), img.width, img.height


@contextmanager
def _files_kept_only_if_saved(photo):
    """The photo's files are written before its row: if the transaction that writes the
    row fails, remove the files again (no orphans on disk). A crash between the two is
    left to `manage.py photos_prune`."""
    try:
        yield
    except BaseException:
        for f in (photo.image, photo.thumbnail):
            if f and f.name:
                try:
                    f.storage.delete(f.name)
                except OSError:  # the failure being raised is the one to report
                    pass
        raise


def photo_add(*, actor, problem_id: int, kind: str, data: bytes) -> ProblemPhoto:
    officer = officer_of(actor)
    if kind not in PhotoKind.values:
        raise ServiceError(f"照片类型应为 {', '.join(PhotoKind.values)}", field="kind")
    problem = Problem.objects.filter(pk=problem_id).select_related("subdistrict").first()
    if problem is None:
        raise NotFound("问题不存在", field="id")
    why = permissions.denial(officer.role, "add_photo", in_jurisdiction=in_jurisdiction(officer, problem.subdistrict))
    if why:
        raise Forbidden(why)
    jpeg, thumb, width, height = prepare_image(data)  # before the transaction: nothing saved on bad input
    photo = ProblemPhoto(problem=problem, kind=kind, width=width, height=height, uploaded_by=actor)
    with _files_kept_only_if_saved(photo), transaction.atomic():
        photo.image.save("photo.jpg", ContentFile(jpeg), save=False)
        photo.thumbnail.save("thumb.jpg", ContentFile(thumb), save=False)
        photo.save()
        audit.record(actor=actor, verb=Verb.PHOTO_ADDED, subject=photo, context=problem,
                     after={"kind": kind, "image": photo.image.name, "width": width, "height": height})
    return photo


def outcome_photo_add(*, actor, outcome_id: int, data: bytes) -> OutcomePhoto:
    """Evidence for an outcome (a fine, a seizure): stored like problem photos."""
    officer = officer_of(actor)
    outcome = Outcome.objects.select_related("problem__subdistrict", "inspection__area").filter(pk=outcome_id).first()
    area = None if outcome is None else outcome.problem.subdistrict if outcome.problem_id else outcome.inspection.area
    if outcome is None or not in_jurisdiction(officer, area):
        # elsewhere is answered as "not there": an id outside the jurisdiction is not confirmed
        raise NotFound("处置结果不存在或不在您的辖区内", field="id")
    why = permissions.denial(officer.role, "record_outcome")
    if why:
        raise Forbidden(why)
    jpeg, thumb, _, _ = prepare_image(data)
    photo = OutcomePhoto(outcome=outcome, uploaded_by=actor)
    with _files_kept_only_if_saved(photo), transaction.atomic():
        photo.image.save("photo.jpg", ContentFile(jpeg), save=False)
        photo.thumbnail.save("thumb.jpg", ContentFile(thumb), save=False)
        photo.save()
        audit.record(actor=actor, verb=Verb.PHOTO_ADDED, subject=photo,
                     context=outcome.problem if outcome.problem_id else outcome.inspection,
                     after={"outcome": outcome.pk, "image": photo.image.name})
    return photo


PHOTO_DIR = "photos"


def orphan_photo_files(*, older_than_minutes: int = 60) -> list[str]:
    """Storage names under photos/ that no problem or outcome photo refers to, written
    more than `older_than_minutes` ago (an upload in progress has its file before its row)."""
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    try:
        _, files = default_storage.listdir(PHOTO_DIR)
    except FileNotFoundError:
        return []
    used = set()
    for model in (ProblemPhoto, OutcomePhoto):
        for image, thumb in model.objects.values_list("image", "thumbnail").iterator():
            used.update((image, thumb))
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    out = []
    for f in sorted(files):
        name = f"{PHOTO_DIR}/{f}"
        if name in used:
            continue
        try:
            if default_storage.get_modified_time(name) < cutoff:
                out.append(name)
        except FileNotFoundError:  # removed since the listing
            continue
    return out


def photo_files_delete(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)
