"""Attachments: the type is read from the content, never trusted from the name."""

import re
import unicodedata
import zipfile
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", XLSX: ".xlsx", ODT: ".odt"}
ALLOWED_DESCRIPTION = _("PDF, JPG, PNG, Word (DOCX), Excel (XLSX) or OpenDocument text (ODT)")


def sniff_content_type(uploaded) -> str | None:
    """The real type of an uploaded file from its first bytes (and, for zips, its parts)."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(uploaded)
    return None


def _sniff_zip(uploaded) -> str | None:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
                return XLSX
            is_small_mimetype = "mimetype" in names and archive.getinfo("mimetype").file_size < 100
            if is_small_mimetype and archive.read("mimetype").strip() == ODT.encode():
                return ODT
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError):
        return None
    finally:
        uploaded.seek(0)
    return None


def sanitize_filename(name: str, content_type: str) -> str:
    """A plain, short file name with the extension that belongs to the real type."""
    stem = PurePath(name.replace("\\", "/")).stem
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "-", stem).strip(" .-_")
    stem = re.sub(r"[-\s]+", "-", stem)[:80] or "bijlage"
    return stem + EXTENSIONS[content_type]
