"""Files a resident already chose, kept while they fix other fields (no re-uploading on a phone).

Checked uploads are stored privately under MEDIA_ROOT/private/pending/ and listed in the
session; the resident can drop any of them. On submit they become attachments.
"""

import uuid
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from initiatives.forms import CheckedUpload

SESSION_KEY = "pending_uploads"


def keep(request, uploads: list[CheckedUpload]) -> None:
    kept = request.session.get(SESSION_KEY, [])
    for upload in uploads:
        suffix = Path(upload.name).suffix
        path = default_storage.save(f"private/pending/{uuid.uuid4().hex}{suffix}", upload.file)
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
