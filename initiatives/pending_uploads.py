"""Files a resident already chose, kept while they fix other fields (no re-uploading on a phone).

Checked uploads are stored privately under MEDIA_ROOT/private/pending/ and listed in the
session; the resident can drop any of them. On submit they become attachments.

The pending area is capped: PENDING_UPLOADS_SESSION_MAX_BYTES per session and
PENDING_UPLOADS_TOTAL_MAX_BYTES for everyone together. A file that does not fit is not kept:
the resident is asked to add it again when they send the form. Files of abandoned forms are
deleted after a day (`pending_uploads_purge`, Celery beat).
"""

import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import ngettext

from initiatives.forms import CheckedUpload

SESSION_KEY = "pending_uploads"
PENDING_DIR = "private/pending"
# Far beyond any live session (SESSION_COOKIE_AGE, 8 hours): an older file belongs to no form.
MAX_AGE = timedelta(days=1)


def _pending_files() -> list[str]:
    try:
        _folders, names = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:  # nothing was ever kept
        return []
    return [f"{PENDING_DIR}/{name}" for name in names]


def stored_bytes() -> int:
    """The size of the whole pending area, every session together."""
    total = 0
    for path in _pending_files():
        try:
            total += default_storage.size(path)
        except FileNotFoundError:  # deleted meanwhile
            continue
    return total


def keep(request, uploads: list[CheckedUpload]) -> list[CheckedUpload]:
    """Keep the uploads while the caps leave room; returns the ones that were not kept."""
    kept = request.session.get(SESSION_KEY, [])
    session_total = sum(item["size"] for item in listed(request))
    area_total = stored_bytes()
    not_kept = []
    for upload in uploads:
        if (
            session_total + upload.size > settings.PENDING_UPLOADS_SESSION_MAX_BYTES
            or area_total + upload.size > settings.PENDING_UPLOADS_TOTAL_MAX_BYTES
        ):
            not_kept.append(upload)
            continue
        session_total += upload.size
        area_total += upload.size
        suffix = Path(upload.name).suffix
        path = default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}{suffix}", upload.file)
        kept.append(
            {
                "key": uuid.uuid4().hex,
                "path": path,
                "name": upload.name,
                "type": upload.content_type,
                "size": upload.size,
            }
        )
    request.session[SESSION_KEY] = kept
    return not_kept


def not_kept_message(uploads: list[CheckedUpload]) -> str:
    names = ", ".join(upload.name for upload in uploads)
    return ngettext(
        "We cannot keep %(names)s for you right now. Add the file again just before you send the form.",
        "We cannot keep these files for you right now: %(names)s. Add them again just before you send the form.",
        len(uploads),
    ) % {"names": names}


def listed(request) -> list[dict]:
    return [item for item in request.session.get(SESSION_KEY, []) if default_storage.exists(item["path"])]


def drop(request, keys_to_keep) -> list[dict]:
    """Forget the files the resident unticked; returns the ones that stay."""
    stay, gone = [], []
    for item in listed(request):
        (stay if item["key"] in keys_to_keep else gone).append(item)
    for item in gone:
        default_storage.delete(item["path"])
    request.session[SESSION_KEY] = stay
    return stay


def as_uploads(items: list[dict]) -> list[CheckedUpload]:
    uploads = []
    for item in items:
        handle = default_storage.open(item["path"], "rb")
        uploads.append(CheckedUpload(File(handle, name=item["name"]), item["name"], item["type"], item["size"]))
    return uploads


def clear(request, *, delete_files: bool) -> None:
    for item in request.session.pop(SESSION_KEY, []):
        if delete_files:
            default_storage.delete(item["path"])


def pending_uploads_purge(*, now: datetime) -> int:
    """Delete pending files older than MAX_AGE (abandoned forms); returns how many. Safe to run twice."""
    cutoff = now - MAX_AGE
    removed = 0
    for path in _pending_files():
        try:
            if default_storage.get_modified_time(path) >= cutoff:
                continue
            default_storage.delete(path)
        except FileNotFoundError:  # a submit or another run took it first
            continue
        removed += 1
    return removed
