"""PDF documents (decision letters, reports) rendered from Django templates with WeasyPrint.

WeasyPrint lays out HTML and CSS with Pango, so the machine needs Debian's `libpango-1.0-0`
and `libpangoft2-1.0-0` and a font (`fonts-dejavu-core`); `.ci/run`, the Makefile's setup
check and the Dockerfile install or name them.

A document may only load our own files: static files (the stylesheet, our images) and stored
media (a municipality's logo), through `_fetch`. Anything else (a remote address in a text
someone typed, a `file:` path) is refused, so rendering a PDF never reaches the network and
never reads a file outside those two places.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

# Relative and root-relative addresses in a document resolve against this made-up origin,
# which `_fetch` maps back onto the static files and the media storage.
BASE_URL = "https://document.invalid/"
# Stored files (a logo) are not served publicly; a document names them with `media_url`.
MEDIA_PREFIX = "/media/"


class RefusedResource(ValueError):
    """A document asked for something outside our static files and media."""


def _read_static(path: str) -> bytes | None:
    found = finders.find(path)
    if found is None:
        root = settings.STATIC_ROOT
        if root:
            candidate = (Path(root) / path).resolve()
            if candidate.is_file() and Path(root).resolve() in candidate.parents:
                found = str(candidate)
    if found is None:
        return None
    with open(found, "rb") as handle:
        return handle.read()


def _read_media(path: str) -> bytes | None:
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def _fetch(url: str, *args, **kwargs):
    """WeasyPrint's url_fetcher: data: URIs, our static files and our media, nothing else."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    if not url.startswith(BASE_URL):
        raise RefusedResource(f"refused to fetch {url!r} for a PDF")
    path = unquote(urlsplit(url).path)
    content = None
    for prefix, reader in ((settings.STATIC_URL, _read_static), (MEDIA_PREFIX, _read_media)):
        if prefix and path.startswith(prefix):
            relative = path[len(prefix) :]
            if ".." in relative.split("/"):
                raise RefusedResource(f"refused to fetch {url!r} for a PDF")
            content = reader(relative)
            break
    if content is None:
        raise RefusedResource(f"no such file for a PDF: {url!r}")
    from weasyprint.urls import URLFetcherResponse

    mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=content, headers={"Content-Type": mime_type})


def media_url(name: str) -> str:
    """The address under which a document shows a stored file (a FileField's `.name`)."""
    return BASE_URL + MEDIA_PREFIX.lstrip("/") + name


def pdf_from_html(html: str) -> bytes:
    """The PDF of an HTML document (imported lazily: WeasyPrint loads Pango on import)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetch).write_pdf()


def render_pdf(template_name: str, context: dict | None = None, *, request=None) -> bytes:
    """Render `template_name` with `context` and return the PDF's bytes."""
    return pdf_from_html(render_to_string(template_name, context or {}, request=request))
