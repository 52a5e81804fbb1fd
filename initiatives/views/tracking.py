"""A resident's private tracking link: the initiative's progress, replies, withdrawal, satisfaction, their data."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from initiatives.constants import (
    MUNICIPAL_ROLE_EXPLANATIONS,
    OPEN_STATUSES,
    STATUS_EXPLANATIONS,
    TERMINAL_STATUSES,
    MessageKind,
    Publication,
    Status,
)
from initiatives.forms import (
    SatisfactionForm,
    TrackingReplyForm,
    WithdrawForm,
)
from initiatives.models import Attachment, Decision, Forwarding, Initiative, Message, Satisfaction
from initiatives.services.letters import decision_letter_pdf, letter_filename
from initiatives.services.retention import personal_data_export
from initiatives.services.satisfaction import SatisfactionNotAllowed, satisfaction_answer, satisfaction_can_answer
from initiatives.services.submission import (
    initiative_reply,
    initiative_withdraw,
)
from initiatives.services.supports import support_count, supporters_needed
from initiatives.timeline import public_timeline
from initiatives.views.theme import theme_context
from municipalities.access import officers_for_village
from municipalities.models import Fund

logger = logging.getLogger(__name__)


class TrackedInitiativeMixin:
    """Finds the initiative by its private link; an unknown link answers 404."""

    def dispatch(self, request, *args, **kwargs):
        self.initiative = get_object_or_404(
            Initiative.objects.for_tracking_token(kwargs["token"]).select_related(
                "village", "municipality", "assigned_officer", "assigned_officer__officer_membership"
            )
        )
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        """Every page of the private link carries the municipality's own look."""
        return super().get_context_data(**kwargs) | theme_context(self.initiative.municipality)


def publication_state(initiative: Initiative) -> str:
    """What the initiator reads about the website: "" without consent, else public, withdrawn,
    hidden (with the officer's reason), pending (waiting for review), or not_public."""
    if not initiative.publication_consent:
        return ""
    if initiative.is_published:
        return "public"
    if initiative.status == Status.WITHDRAWN:
        return "withdrawn"
    if initiative.publication == Publication.HIDDEN:
        return "hidden"
    if initiative.publication == Publication.PENDING:
        return "pending"
    return "not_public"  # approved, but the municipality is no longer on the platform


class InitiativeTrackView(TrackedInitiativeMixin, FormView):
    template_name = "initiatives/initiative_track.html"
    form_class = TrackingReplyForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = (
            Initiative.objects.prefetch_related(
                "status_changes",
                "role_changes",
                Prefetch(
                    "messages",
                    queryset=Message.objects.exclude(kind=MessageKind.INTERNAL_NOTE).prefetch_related("attachments"),
                ),
                "decisions__grants__fund",
                "agreements",
                "cost_lines",
                Prefetch(
                    "forwardings",
                    queryset=Forwarding.objects.select_related("from_municipality", "to_municipality", "to_village"),
                ),
                "duplicate_changes",
                "themes",
                Prefetch("attachments", queryset=Attachment.objects.filter(message__isnull=True)),
            )
            .select_related("satisfaction", "organisation", "duplicate_of__municipality")
            .get(pk=self.initiative.pk)
        )
        explanation, next_step = STATUS_EXPLANATIONS[initiative.status]
        satisfaction = getattr(initiative, "satisfaction", None)
        decisions = initiative.decisions.all()  # newest first (Decision.Meta.ordering), prefetched
        supporters = support_count(initiative)
        # Before the decision: how many supporters the open funds with a minimum still need.
        funds = (
            Fund.objects.open().filter(municipality_id=initiative.municipality_id, min_supporters__gt=0)
            if initiative.status in OPEN_STATUSES
            else Fund.objects.none()
        )
        context.update(
            support_count=supporters,
            supporters_needed=supporters_needed(funds.order_by("-year", "name"), own_village=supporters.own_village),
            initiative=initiative,
            municipality=initiative.municipality,
            token=self.kwargs["token"],
            timeline=public_timeline(initiative),
            decision=decisions[0] if decisions else None,
            status_explanation=explanation,
            status_next=next_step,
            officers=officers_for_village(initiative.village),
            can_reply=initiative.status != Status.WITHDRAWN,
            can_withdraw=initiative.status not in TERMINAL_STATUSES | {Status.CLOSED, Status.REALISED},
            role_explanation=MUNICIPAL_ROLE_EXPLANATIONS.get(initiative.municipal_role),
            publication=publication_state(self.initiative),
            # the other initiative of a duplicate: named and linked only when it is public
            original_public=(
                initiative.duplicate_of if initiative.duplicate_of and initiative.duplicate_of.is_published else None
            ),
            satisfaction=satisfaction,
            satisfaction_form=(
                SatisfactionForm() if satisfaction is None and satisfaction_can_answer(initiative) else None
            ),
        )
        return context

    def form_valid(self, form):
        if self.initiative.status == Status.WITHDRAWN:
            raise Http404
        initiative_reply(
            initiative=self.initiative, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"]
        )
        messages.success(self.request, _("Your message has been sent to the municipality."))
        return redirect(self.request.path)


class InitiativeWithdrawView(TrackedInitiativeMixin, FormView):
    template_name = "initiatives/initiative_withdraw.html"
    form_class = WithdrawForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(initiative=self.initiative, token=self.kwargs["token"], **kwargs)

    def form_valid(self, form):
        try:
            initiative_withdraw(initiative=self.initiative, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your initiative has been withdrawn."))
        return redirect("initiatives:track", token=self.kwargs["token"])


class InitiativeSatisfactionView(TrackedInitiativeMixin, FormView):
    """The one question after closing. Errors are shown on this page; an answer goes back to
    the tracking page with a thank-you. A second answer is refused kindly."""

    template_name = "initiatives/satisfaction_form.html"
    form_class = SatisfactionForm

    def get(self, request, *args, **kwargs):
        if self._refusal():
            return redirect("initiatives:track", token=self.kwargs["token"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        refusal = self._refusal()
        if refusal:
            return self._refused(refusal)
        return super().post(request, *args, **kwargs)

    def _refusal(self) -> str:
        if Satisfaction.objects.filter(initiative=self.initiative).exists():
            return _("You have already told us how satisfied you are. Thank you!")
        if not satisfaction_can_answer(self.initiative):
            return _("You can answer this question once your initiative is closed.")
        return ""

    def _refused(self, text):
        messages.info(self.request, text)
        return redirect("initiatives:track", token=self.kwargs["token"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(initiative=self.initiative, token=self.kwargs["token"], **kwargs)

    def form_valid(self, form):
        try:
            satisfaction_answer(initiative=self.initiative, **form.cleaned_data)
        except SatisfactionNotAllowed as refused:  # answered in another tab a moment ago
            return self._refused(refused.messages[0])
        messages.success(self.request, _("Thank you for your answer. It helps the municipality to do better."))
        return redirect("initiatives:track", token=self.kwargs["token"])


class InitiativeDataExportView(TrackedInitiativeMixin, View):
    """A copy of what is held about the initiator, as a JSON file (AVG art. 15)."""

    def get(self, request, token):
        data = personal_data_export(initiative=self.initiative)
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        filename = f"initiative-{self.initiative.reference}-data.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class TrackedAttachmentView(TrackedInitiativeMixin, View):
    """Files are only ever served through a check like this one, never from a public URL."""

    def get(self, request, token, pk):
        attachment = get_object_or_404(
            Attachment.objects.filter(initiative=self.initiative).exclude(message__kind=MessageKind.INTERNAL_NOTE),
            pk=pk,
        )
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, ValueError) as missing:  # removed by retention, or never stored
            raise Http404 from missing
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


def letter_response(decision: Decision, pdf: bytes) -> HttpResponse:
    """The letter as a PDF file `besluit-<reference>.pdf` to save and open (a download works the same
    on every phone and computer, also those without a PDF viewer in the browser)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(decision)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class TrackedDecisionLetterView(TrackedInitiativeMixin, View):
    """The decision letter (PDF), made now when it is still missing."""

    def get(self, request, token, pk):
        decision = get_object_or_404(
            Decision.objects.filter(initiative=self.initiative).select_related("initiative"), pk=pk
        )
        try:
            pdf = decision_letter_pdf(decision_id=decision.pk)
        except Exception:  # noqa: BLE001 - say so kindly; the next try makes it again
            logger.exception("decision letter: could not make the letter of decision %s", decision.pk)
            messages.error(request, _("The decision letter cannot be made right now. Please try again later."))
            return redirect("initiatives:track", token=token)
        if pdf is None:
            raise Http404
        return letter_response(decision, pdf)
