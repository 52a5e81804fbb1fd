"""Small builders for the residents' journey tests: real file bytes and a valid form post."""

import html
import io
import re
import zipfile
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def text_of(markup: str) -> str:
    """The words a reader sees: tags dropped, entities such as `&#x27;` read back, spaces joined."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


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


def decision_rows(initiative) -> dict:
    """Everything deciding `initiative` left behind, without its ids: the initiative's own
    fields, its status history, decisions, grants, their audit lines and the initiator's mails.
    Two initiatives decided alike (one by one, or many at once) give equal dictionaries."""
    from audit.models import AuditLogEntry
    from initiatives.models import Initiative
    from notifications.models import OutboxMail

    initiative = Initiative.objects.get(pk=initiative.pk)
    decisions = list(initiative.decisions.order_by("pk"))
    grants = list(initiative.grants.order_by("pk"))
    number = {("decision", d.pk): f"decision-{n}" for n, d in enumerate(decisions)}
    number |= {("grant", g.pk): f"grant-{n}" for n, g in enumerate(grants)}
    audit = [
        AuditLogEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("pk")
        for obj in decisions + grants
    ]
    lines = sorted((line for lines in audit for line in lines), key=lambda line: line.pk)  # their order, too
    kind = {"initiatives.decision": "decision", "initiatives.grant": "grant"}
    mails = OutboxMail.objects.about(Initiative, [initiative.pk]).order_by("pk")

    def unnumbered(key: str) -> str:
        name, _colon, pk = key.partition(":")
        return f"{name}:{number[(name, int(pk))]}" if (name, pk.isdigit() and int(pk)) in number else key

    return {
        "initiative": {
            "status": initiative.status,
            "decided": initiative.decided_at == (decisions[-1].decided_at if decisions else None),
            "responded": initiative.first_response_at is not None,
            "closed_at": initiative.closed_at,
        },
        "status_changes": [
            (c.from_status, c.to_status, c.actor_id, c.by_initiator, c.note) for c in initiative.status_changes.all()
        ],
        "decisions": [(d.outcome, d.motivation, d.decided_by_id, d.approved_by_id, bool(d.letter)) for d in decisions],
        "grants": [
            (g.fund_id, g.amount, g.status, number[("decision", g.decision_id)], g.paid_at, g.withdrawn_at)
            for g in grants
        ],
        "audit": [
            (
                line.actor_id,
                line.actor_label,
                line.action,
                number[(kind[line.object_type], int(line.object_id))],
                line.object_repr.replace(initiative.reference, "<reference>"),
                line.municipality_id,
                line.result,
                line.origin,
                line.detail,
            )
            for line in lines
        ],
        "mails": [
            (
                m.to,
                m.template,
                m.language,
                m.status,
                m.municipality_id,
                m.recipient_id,
                unnumbered(m.dedup_key),
                {
                    key: number[("decision", value)] if key == "decision_id" else value
                    for key, value in m.context.items()
                },
            )
            for m in mails
        ],
    }
