"""Small builders for the residents' journey tests: real file bytes and a valid form post."""

import io
import re
import zipfile
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name="plan.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="begroting.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def odt(name="notulen.odt"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def form_data(for_village, **overrides):
    """A complete, valid submission for `village`; override or blank any field."""
    data = {
        "title": "Nieuwe speeltuin bij het dorpshuis",
        "goal": "Kinderen in het dorp een veilige plek geven om te spelen.",
        "description": "We plaatsen een klimrek en twee schommels. Ouders helpen met bouwen.",
        "target_group": "Kinderen tot 12 jaar",
        "village": str(for_village.pk),
        "help_kinds": ["money", "permits"],
        "costs-TOTAL_FORMS": "3",
        "costs-INITIAL_FORMS": "0",
        "costs-MIN_NUM_FORMS": "0",
        "costs-MAX_NUM_FORMS": "20",
        "costs-0-description": "Klimrek",
        "costs-0-amount": "1800.00",
        "costs-1-description": "Schommels",
        "costs-1-amount": "700",
        "amount_requested": "2000",
        "own_contribution_money": "500",
        "own_contribution_hours": "120",
        "support_evidence": "45 handtekeningen van buren.",
        "planned_start": (timezone.localdate() + timedelta(days=70)).isoformat(),
        "initiator_name": "Fatima de Vries",
        "initiator_email": "fatima@example.nl",
        "initiator_phone": "06 12345678",
        "preferred_language": "nl",
        "publication_consent": "on",
        "privacy_acknowledged": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def tracking_url_from(body: str) -> str:
    match = re.search(r"https?://\S+/initiatieven/volg/[\w-]+/", body)
    assert match, body
    return match.group(0)
