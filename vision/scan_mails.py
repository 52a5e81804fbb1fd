"""How scan invitations get their context at send time: the personal link is minted here.

The outbox row holds only the invitation's id, never a usable link. A reminder gets the same
link as the invitation (`scan_token_for_mail`). The builder runs inside
the sending transaction, so a link minted for a mail that fails is rolled back with it.
Imported in `VisionConfig.ready()` so the worker knows it too.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.builders import Built, register
from vision.models import ScanInvitation
from vision.services.scans import MIN_CATEGORY_ANSWERS, SCAN_REMINDER_TEMPLATE, scan_token_for_mail


@register("vision/email/scan_")
def build_scan_mail(mail) -> Built:
    invitation = (
        ScanInvitation.objects.select_for_update(of=("self",))
        .select_related("scan__trajectory__municipality", "scan__trajectory__facilitator__user", "member")
        .filter(pk=mail.context.get("invitation"))
        .first()
    )
    if invitation is None:
        return Built(context={"scan_url": ""})
    scan = invitation.scan
    generation = invitation.reopened_at.isoformat() if invitation.reopened_at else ""
    # A link only for the newest mail of a still open invitation: an older mail that is sent
    # late must not replace the link of a newer one.
    current = mail.context.get("generation", "") == generation
    scan_url = ""
    if current and invitation.used_at is None and scan.accepts_answers(timezone.localdate()):
        token = scan_token_for_mail(invitation=invitation)
        scan_url = settings.SITE_URL + reverse("vision:scan_respond", kwargs={"token": token})
    return Built(
        context={
            "invitation": invitation,
            "member": invitation.member,
            "scan": scan,
            "trajectory": scan.trajectory,
            "municipality": scan.trajectory.municipality,
            "reopened": bool(generation),
            "reminder": mail.template == SCAN_REMINDER_TEMPLATE,
            "scan_url": scan_url,
            "contact": _contact(scan.trajectory),
            # What the mail promises is what is stored: the scores with the category, no name.
            "category": invitation.member.get_category_display(),
            "min_category_answers": MIN_CATEGORY_ANSWERS,
        }
    )


def _contact(trajectory) -> dict:
    """Who a member can ask about the scan: the trajectory's facilitator, else the municipality."""
    facilitator = trajectory.facilitator
    if facilitator is not None and facilitator.is_active:
        user = facilitator.user
        return {"name": user.get_full_name() or user.get_username(), "email": user.email}
    municipality = trajectory.municipality
    return {"name": municipality.name, "email": municipality.contact_email}
