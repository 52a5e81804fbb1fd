"""PDFs from templates: real WeasyPrint output, read back with pypdf; only our own files load."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfReader

from core.pdf import BASE_URL, RefusedResource, _fetch, media_url, pdf_from_html


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_document_becomes_a_pdf_with_its_text():
    pdf = pdf_from_html("<html lang='nl'><body><h1>Besluit</h1><p>Bijdrage € 1.800,00</p></body></html>")
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    assert "Besluit" in text
    assert "€ 1.800,00" in text


def test_our_static_files_load():
    fetched = _fetch(BASE_URL + "static/img/favicon.svg")
    assert fetched.headers.get_content_type() == "image/svg+xml"
    assert b"<svg" in fetched.read()


@pytest.mark.s3
def test_stored_media_loads(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    name = default_storage.save("logos/test.svg", ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    assert _fetch(media_url(name)).read().startswith(b"<svg")


@pytest.mark.parametrize(
    "url",
    [
        "https://tracker.example/pixel.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        BASE_URL + "static/../../../etc/passwd",
        BASE_URL + "media/../settings.py",
        BASE_URL + "elsewhere/x.png",
        BASE_URL + "static/no-such-file.css",
    ],
)
def test_anything_else_is_refused(url):
    with pytest.raises(RefusedResource):
        _fetch(url)


def test_a_remote_image_in_a_document_is_skipped_not_fetched():
    pdf = pdf_from_html("<p>Tekst</p><img src='https://tracker.example/pixel.png' alt='x'>")
    assert "Tekst" in text_of(pdf)
