"""The officer's page of one initiative, its actions, and phone or paper intake.

Every view starts from `Initiative.objects.visible_to(request.user)`: another municipality's
initiative answers 404 like a missing one. Each action is a small form posted to its own view;
`act` calls one service with the cleaned data and `actor=request.user`, then the browser is
sent back to the page (POST/redirect/GET). A refusal by the form or the service shows the
page again with the message at that form.
"""

import logging
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from audit.constants import AuditAction
from audit.describe import describe
from audit.models import AuditLogEntry
from audit.services import audit_log
from core.forms import add_service_error, forget_errors
from core.views import PageActionMixin
from initiatives import officer_forms
from initiatives.constants import TRANSITIONS, ProposalStatus, Status
from initiatives.forms import CostLineFormSet
from initiatives.models import (
    OVERDUE_DECISION,
    OVERDUE_FIRST_RESPONSE,
    Agreement,
    Attachment,
    Decision,
    DecisionProposal,
    DuplicateChange,
    Forwarding,
    Grant,
    Initiative,
    Message,
    RoleChange,
    StatusChange,
    Support,
)
from initiatives.services.duplicates import (
    duplicate_refusal,
    duplicate_undo_refusal,
    initiative_mark_duplicate,
    initiative_unmark_duplicate,
)
from initiatives.services.forwarding import forward_refusal, initiative_forward
from initiatives.services.funds import grant_mark_paid, grant_withdraw, initiative_decide
from initiatives.services.letters import decision_letter_pdf
from initiatives.services.mandate import decision_propose, proposal_approve, proposal_send_back, proposal_withdraw
from initiatives.services.officers import (
    agreement_add,
    agreement_set_done,
    initiative_assign,
    initiative_mark_seen,
    initiative_message_send,
    initiative_set_role,
)
from initiatives.services.publication import publication_approve, publication_hide
from initiatives.services.submission import initiative_submit
from initiatives.services.supports import support_count, support_hide_reason, supporters_needed
from initiatives.services.workflow import initiative_change_status
from initiatives.timeline import officer_timeline
from initiatives.views.tracking import letter_response
from municipalities.access import OfficerRequiredMixin, is_coordinator_of
from municipalities.models import Fund, StandardText
from notifications.models import OutboxMail

logger = logging.getLogger(__name__)

# What each mail template is, in the officer's words (the timeline lists every mail).
MAIL_DESCRIPTIONS = {
    "initiatives/email/receipt": gettext_lazy("Confirmation of receipt"),
    "initiatives/email/status_changed": gettext_lazy("New status"),
    "initiatives/email/officer_message": gettext_lazy("Notice of a message from the municipality"),
    "initiatives/email/decision": gettext_lazy("Decision"),
    "initiatives/email/lost_link": gettext_lazy("New personal link"),
    "initiatives/email/officer_new": gettext_lazy("New initiative, to an officer"),
    "initiatives/email/officer_assigned": gettext_lazy("Assignment, to an officer"),
    "initiatives/email/officer_reply": gettext_lazy("Reply of the initiator, to an officer"),
    "initiatives/email/officer_withdrawn": gettext_lazy("Withdrawal, to an officer"),
    "initiatives/email/proposal_waiting": gettext_lazy("Proposed decision, to a coordinator"),
    "initiatives/email/proposal_approved": gettext_lazy("Proposal approved, to the proposer"),
    "initiatives/email/proposal_sent_back": gettext_lazy("Proposal sent back, to the proposer"),
    "initiatives/email/duplicate": gettext_lazy("Marked as a duplicate"),
    "initiatives/email/duplicate_undone": gettext_lazy("No longer a duplicate"),
    "initiatives/email/forwarded": gettext_lazy("Forwarded to another municipality"),
}


@dataclass
class Deadline:
    label: str
    due: date | None
    done_at: object  # a datetime, or None while not done
    overdue: bool


def initiative_deadlines(initiative: Initiative, today: date) -> list[Deadline]:
    """First response and decision: when due, when done, and whether late (`Initiative.overdue_kinds`)."""
    overdue = initiative.overdue_kinds(today)
    return [
        Deadline(
            _("First response"),
            initiative.first_response_due,
            initiative.first_response_at,
            OVERDUE_FIRST_RESPONSE in overdue,
        ),
        Deadline(_("Decision"), initiative.decision_due, initiative.decided_at, OVERDUE_DECISION in overdue),
    ]


def funds_with_totals(user, municipality):
    """The open funds of `municipality` with what is committed, paid and left: one query."""
    return list(
        Fund.objects.visible_to(user).open().filter(municipality=municipality).with_totals().order_by("-year", "name")
    )


def initiative_audit_entries(initiative: Initiative, limit: int = 100) -> list:
    """The audit log's lines about the initiative itself, newest first, in words. Read through
    the initiative (the caller may see it), so a forwarded initiative's lines written by the
    municipality that sent it stay readable for the one that has it now."""
    entries, seen = [], set()
    for entry in AuditLogEntry.objects.for_object(initiative).select_related("actor")[:limit]:
        # a forwarding has a line in each municipality's log: the page shows it once
        key = (entry.action, entry.detail, entry.actor_id, entry.created_at.replace(microsecond=0))
        if entry.action != AuditAction.INITIATIVE_FORWARD or key not in seen:
            entries.append(entry)
            seen.add(key)
    return describe(entries)


class OfficerInitiativeMixin(OfficerRequiredMixin):
    """Finds the initiative among those the officer may see, and renders its page."""

    template_name = "initiatives/officer/initiative_detail.html"

    def get_initiative(self) -> Initiative:
        return get_object_or_404(
            Initiative.objects.visible_to(self.request.user).select_related("municipality"), pk=self.kwargs["pk"]
        )

    @cached_property
    def standard_texts(self) -> list[StandardText]:
        return list(
            StandardText.objects.visible_to(self.request.user)
            .filter(municipality_id=self.initiative.municipality_id, is_active=True)
            .order_by("purpose", "title")
        )

    def supporters_from_own_village(self) -> int:
        """Confirmed supporters from the initiative's village: from the page's list when it is
        there (no query), else counted."""
        supports = getattr(self.initiative, "confirmed_supports", None)
        if supports is None:
            return support_count(self.initiative).own_village
        return sum(1 for support in supports if support.village_id == self.initiative.village_id)

    @cached_property
    def funds(self) -> list[Fund]:
        """The open funds; a fund with a minimum of supporters says how many are still needed."""
        funds = funds_with_totals(self.request.user, self.initiative.municipality_id)
        if any(fund.min_supporters for fund in funds):
            for needed in supporters_needed(funds, own_village=self.supporters_from_own_village()):
                needed.fund.supporters = needed
        return funds

    def form_kwargs_for(self, name: str) -> dict:
        """What each action form needs besides the data; the page and the action agree on it."""
        return {
            "assign": {"initiative": self.initiative},
            "status": {"initiative": self.initiative},
            "message": {"standard_texts": self.standard_texts},
            "role": {"initiative": self.initiative},
            "agreement": {},
            "decision": {"funds": self.funds, "standard_texts": self.standard_texts},
            "duplicate": {"initiative": self.initiative},
            "forward": {"initiative": self.initiative},
        }.get(name, {})

    def page_initiative(self, pk: int) -> Initiative:
        """The initiative with everything the page shows, in a fixed number of queries."""
        return get_object_or_404(
            Initiative.objects.visible_to(self.request.user)
            .select_related(
                "village",
                "municipality",
                "organisation__village",
                "assigned_officer",
                "registered_by",
                "duplicate_of",
            )
            .prefetch_related(
                "themes",
                Prefetch(
                    "duplicates",
                    queryset=Initiative.objects.order_by("submitted_at").only(
                        "reference", "title", "duplicate_of_id", "submitted_at"
                    ),
                ),
                Prefetch(
                    "forwardings",
                    queryset=Forwarding.objects.select_related(
                        "from_municipality", "to_municipality", "from_village", "to_village", "actor"
                    ),
                ),
                Prefetch("duplicate_changes", queryset=DuplicateChange.objects.select_related("original", "actor")),
                Prefetch(
                    "duplicate_changes_as_original",
                    queryset=DuplicateChange.objects.select_related("initiative", "actor"),
                ),
                "cost_lines",
                Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor")),
                Prefetch("role_changes", queryset=RoleChange.objects.select_related("actor")),
                Prefetch(
                    "messages",
                    queryset=Message.objects.select_related("author").prefetch_related("attachments"),
                ),
                Prefetch(
                    "attachments",
                    queryset=Attachment.objects.filter(message__isnull=True),
                    to_attr="application_attachments",
                ),
                Prefetch(
                    "proposals",
                    queryset=DecisionProposal.objects.select_related("proposed_by", "reviewed_by", "fund"),
                ),
                Prefetch(
                    "decisions",
                    queryset=Decision.objects.select_related("decided_by", "approved_by").prefetch_related(
                        Prefetch("grants", queryset=Grant.objects.select_related("fund"))
                    ),
                ),
                Prefetch("agreements", queryset=Agreement.objects.select_related("created_by")),
                Prefetch("grants", queryset=Grant.objects.select_related("fund", "decision")),
                Prefetch("mails", queryset=OutboxMail.objects.order_by("created_at", "pk")),
                Prefetch(
                    "supports",
                    queryset=Support.objects.confirmed().select_related("village").order_by("-confirmed_at", "-pk"),
                    to_attr="confirmed_supports",
                ),
            ),
            pk=pk,
        )

    def page_context(self, bound: dict | None = None, initiative: Initiative | None = None) -> dict:
        """The page's context, with `bound` forms (name -> form with errors) in place of empty ones."""
        bound = bound or {}
        initiative = self.initiative = initiative or self.page_initiative(self.initiative.pk)
        forms = {
            name: bound.get(name) or form_class(prefix=name, **self.form_kwargs_for(name))
            for name, form_class in (
                ("assign", officer_forms.AssignForm),
                ("status", officer_forms.StatusChangeForm),
                ("message", officer_forms.MessageForm),
                ("role", officer_forms.RoleForm),
                ("agreement", officer_forms.AgreementForm),
                ("decision", officer_forms.DecisionForm),
                ("publication_approve", officer_forms.PublicationApproveForm),
                ("publication_hide", officer_forms.PublicationHideForm),
                ("proposal_approve", officer_forms.ProposalApproveForm),
                ("proposal_send_back", officer_forms.ProposalSendBackForm),
                ("proposal_withdraw", officer_forms.ProposalWithdrawForm),
                ("duplicate", officer_forms.DuplicateForm),
                ("duplicate_undo", officer_forms.DuplicateUndoForm),
                ("forward", officer_forms.ForwardForm),
            )
        }
        agreements = list(initiative.agreements.all())
        for agreement in agreements:
            agreement.done_form = bound.get(f"agreement_done-{agreement.pk}")
        grants = list(initiative.grants.all())
        for grant in grants:
            grant.paid_form = bound.get(f"paid-{grant.pk}")
            grant.withdraw_form = bound.get(f"withdraw-{grant.pk}") or officer_forms.GrantWithdrawForm(
                prefix=f"withdraw-{grant.pk}"
            )
        supports = initiative.confirmed_supports
        for support in supports:
            support.hide_form = bound.get(f"support_hide-{support.pk}")
        timeline = officer_timeline(initiative)
        for event in timeline:
            if event.kind == "mails":
                for mail in event.obj:
                    mail.description = MAIL_DESCRIPTIONS.get(mail.template, mail.template)
        context = {
            "initiative": initiative,
            "municipality": initiative.municipality,
            "timeline": timeline,
            "deadlines": initiative_deadlines(initiative, timezone.localdate()),
            "agreements": agreements,
            "grants": grants,
            "funds": self.funds,
            "supports": supports,
            "supports_own_village": self.supporters_from_own_village(),
            "duplicate_refusal": duplicate_refusal(initiative),
            "duplicate_undo_refusal": duplicate_undo_refusal(initiative) if initiative.duplicate_of_id else "",
            "forward_refusal": forward_refusal(initiative),
            "audit_entries": initiative_audit_entries(initiative),
            "has_errors": bool(bound),
            **self.proposal_context(initiative),
            **{f"{name}_form": form for name, form in forms.items()},
        }
        return context

    def proposal_context(self, initiative: Initiative) -> dict:
        """The mandate: a proposal waiting for a coordinator blocks a decision; the last one sent
        back shows its reason; who may approve (a coordinator, never the proposer)."""
        user = self.request.user
        proposals = list(initiative.proposals.all())  # newest first
        pending = next((proposal for proposal in proposals if proposal.is_pending), None)
        decidable = Status.DECIDED in TRANSITIONS.get(initiative.status, ())
        latest = proposals[0] if proposals else None
        return {
            "can_decide": decidable and pending is None,
            "proposal": pending,
            "proposal_is_mine": pending is not None and pending.proposed_by_id == user.pk,
            "can_review": pending is not None
            and pending.proposed_by_id != user.pk
            and is_coordinator_of(user, initiative.municipality_id),
            "proposal_sent_back": latest
            if decidable and latest is not None and latest.status == ProposalStatus.SENT_BACK
            else None,
            "mandate": initiative.municipality.mandate_amount,
        }


@method_decorator(never_cache, name="dispatch")
class InitiativeOfficerView(OfficerInitiativeMixin, View):
    """Everything the initiator gave, the deadlines, one timeline, and the actions."""

    def get(self, request, pk):
        self.initiative = self.page_initiative(pk)
        initiative_mark_seen(initiative=self.initiative, user=request.user)
        return render(request, self.template_name, self.page_context(initiative=self.initiative))


@method_decorator(never_cache, name="dispatch")
class InitiativeActionView(PageActionMixin, OfficerInitiativeMixin, FormView):
    """One action on the page: POST only. Subclasses name the form and `act` (one service)."""

    name = ""  # the form's prefix and its name on the page

    def post(self, request, *args, **kwargs):
        self.initiative = self.get_initiative()
        return super().post(request, *args, **kwargs)

    def get_prefix(self):
        return self.name

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.form_kwargs_for(self.name)}

    def get_page_url(self):
        return reverse("initiatives:officer_detail", args=[self.initiative.pk])

    def form_key(self) -> str:
        """The form's name on the page, where its errors are shown."""
        return self.get_prefix()

    def get_page_context(self, form):
        return self.page_context({self.form_key(): form})


class InitiativeAssignView(InitiativeActionView):
    form_class = officer_forms.AssignForm
    name, anchor = "assign", "handling"
    success_message = gettext_lazy("The contact officer has been saved.")

    def act(self, data):
        initiative_assign(initiative=self.initiative, officer=data["officer"], actor=self.request.user)


class InitiativeStatusView(InitiativeActionView):
    form_class = officer_forms.StatusChangeForm
    name, anchor = "status", "handling"
    success_message = gettext_lazy("The status has been changed.")

    def act(self, data):
        initiative_change_status(
            initiative=self.initiative,
            to_status=data["to_status"],
            note=data["note"],
            actor=self.request.user,
        )


class InitiativeMessageView(InitiativeActionView):
    form_class = officer_forms.MessageForm
    name, anchor = "message", "history"

    def service_data(self, form):
        return {**form.cleaned_data, "internal": form.internal}

    def act(self, data):
        initiative_message_send(
            initiative=self.initiative,
            body=data["body"],
            internal=data["internal"],
            files=data["attachments"],
            actor=self.request.user,
        )
        self.success_message = (
            _("The internal note has been saved.") if data["internal"] else _("The message has been sent.")
        )


class InitiativeRoleView(InitiativeActionView):
    form_class = officer_forms.RoleForm
    name, anchor = "role", "role"
    success_message = gettext_lazy("The role of the municipality has been saved.")

    def act(self, data):
        initiative_set_role(
            initiative=self.initiative,
            role=data["role"],
            explanation=data["explanation"],
            actor=self.request.user,
        )


class AgreementAddView(InitiativeActionView):
    form_class = officer_forms.AgreementForm
    name, anchor = "agreement", "agreements"
    success_message = gettext_lazy("The agreement has been added.")

    def act(self, data):
        agreement_add(initiative=self.initiative, actor=self.request.user, **data)


class AgreementDoneView(InitiativeActionView):
    form_class = officer_forms.AgreementDoneForm
    anchor = "agreements"

    def get_initiative(self):
        initiative = super().get_initiative()
        self.agreement = get_object_or_404(
            Agreement.objects.filter(initiative=initiative).select_related("initiative"), pk=self.kwargs["agreement_pk"]
        )
        return initiative

    def get_prefix(self):
        return None  # one hidden field per agreement: no ids on the page

    def form_key(self):
        return f"agreement_done-{self.agreement.pk}"

    def act(self, data):
        done = data["done"]
        agreement_set_done(agreement=self.agreement, done=done, actor=self.request.user)
        self.success_message = (
            _("The agreement is marked as done.") if done else _("The agreement is marked as not done.")
        )


class InitiativeDecideView(InitiativeActionView):
    """Decide; a contribution above the municipality's mandate becomes a proposal for a coordinator."""

    form_class = officer_forms.DecisionForm
    name, anchor = "decision", "decision"

    def act(self, data):
        decide = decision_propose if self.initiative.municipality.needs_approval(data["amount"]) else initiative_decide
        decide(
            initiative=self.initiative,
            outcome=data["outcome"],
            motivation=data["motivation"],
            fund=data["fund"],
            amount=data["amount"],
            actor=self.request.user,
        )
        self.success_message = (
            _("Your proposal is waiting for approval by a coordinator. The initiator hears nothing until then.")
            if decide is decision_propose
            else _("The decision has been saved and the initiator is told.")
        )


class ProposalActionView(InitiativeActionView):
    """Approve, send back or withdraw one proposal of the initiative (named in the URL, so the
    coordinator approves exactly the proposal they saw)."""

    anchor = "decision"

    def get_initiative(self):
        initiative = super().get_initiative()
        self.proposal = get_object_or_404(
            DecisionProposal.objects.filter(initiative=initiative), pk=self.kwargs["proposal_pk"]
        )
        return initiative


class ProposalApproveView(ProposalActionView):
    form_class = officer_forms.ProposalApproveForm
    name = "proposal_approve"
    coordinator_only = True
    success_message = gettext_lazy(
        "Approved: the decision is saved, the contribution is committed and the initiator is told."
    )

    def act(self, data):
        proposal_approve(proposal=self.proposal, actor=self.request.user)


class ProposalSendBackView(ProposalActionView):
    form_class = officer_forms.ProposalSendBackForm
    name = "proposal_send_back"
    coordinator_only = True
    success_message = gettext_lazy("The proposal has been sent back. The officer gets a mail with your reason.")

    def act(self, data):
        proposal_send_back(proposal=self.proposal, reason=data["reason"], actor=self.request.user)


class ProposalWithdrawView(ProposalActionView):
    form_class = officer_forms.ProposalWithdrawForm
    name = "proposal_withdraw"
    success_message = gettext_lazy("Your proposal has been withdrawn. You can decide again.")

    def act(self, data):
        proposal_withdraw(proposal=self.proposal, actor=self.request.user)


class SupportHideReasonView(InitiativeActionView):
    """Hide an offensive reason from the public page; the supporter still counts."""

    form_class = officer_forms.SupportHideReasonForm
    anchor = "supporters"
    success_message = gettext_lazy("The reason is hidden from the public page.")

    def get_initiative(self):
        initiative = super().get_initiative()
        self.support = get_object_or_404(
            Support.objects.confirmed().filter(initiative=initiative), pk=self.kwargs["support_pk"]
        )
        return initiative

    def get_prefix(self):
        return None  # a button per supporter: no ids on the page

    def form_key(self):
        return f"support_hide-{self.support.pk}"

    def act(self, data):
        support_hide_reason(support=self.support, actor=self.request.user)


class PublicationApproveView(InitiativeActionView):
    form_class = officer_forms.PublicationApproveForm
    name, anchor = "publication_approve", "publication"
    success_message = gettext_lazy("The initiative is now public.")

    def act(self, data):
        publication_approve(initiative=self.initiative, actor=self.request.user)


class PublicationHideView(InitiativeActionView):
    form_class = officer_forms.PublicationHideForm
    name, anchor = "publication_hide", "publication"
    success_message = gettext_lazy("The initiative is not public. The initiator sees the reason on their page.")

    def act(self, data):
        publication_hide(initiative=self.initiative, reason=data["reason"], actor=self.request.user)


class InitiativeDuplicateView(InitiativeActionView):
    form_class = officer_forms.DuplicateForm
    name, anchor = "duplicate", "duplicate"
    success_message = gettext_lazy("The initiative is marked as a duplicate and closed. The initiator is told.")

    def act(self, data):
        initiative_mark_duplicate(
            initiative=self.initiative, original=data["original"], note=data["note"], actor=self.request.user
        )


class InitiativeDuplicateUndoView(InitiativeActionView):
    form_class = officer_forms.DuplicateUndoForm
    name, anchor = "duplicate_undo", "duplicate"
    success_message = gettext_lazy("The initiative is no longer a duplicate and is open again. The initiator is told.")

    def act(self, data):
        initiative_unmark_duplicate(initiative=self.initiative, actor=self.request.user)


class InitiativeForwardView(InitiativeActionView):
    """After forwarding the initiative is no longer the officer's: back to the list."""

    form_class = officer_forms.ForwardForm
    name, anchor = "forward", "forward"

    def act(self, data):
        forwarding = initiative_forward(
            initiative=self.initiative, village=data["village"], note=data["note"], actor=self.request.user
        )
        self.success_message = _(
            "Initiative %(reference)s has been forwarded to the municipality of %(municipality)s."
        ) % {"reference": self.initiative.reference, "municipality": forwarding.to_municipality.name}

    def get_success_url(self):
        return reverse("initiatives:dashboard")


class GrantActionView(InitiativeActionView):
    """Grants are found through the initiatives the officer may see."""

    anchor = "grants"

    def get_initiative(self):
        self.grant = get_object_or_404(
            Grant.objects.visible_to(self.request.user).select_related("initiative__municipality"),
            pk=self.kwargs["grant_pk"],
        )
        return self.grant.initiative

    def get_prefix(self):
        return f"{self.name}-{self.grant.pk}"


class GrantPaidView(GrantActionView):
    form_class = officer_forms.GrantPaidForm
    name = "paid"
    success_message = gettext_lazy("The contribution is marked as paid.")

    def act(self, data):
        grant_mark_paid(grant=self.grant, actor=self.request.user)


class GrantWithdrawView(GrantActionView):
    form_class = officer_forms.GrantWithdrawForm
    name = "withdraw"
    success_message = gettext_lazy("The contribution has been withdrawn.")

    def act(self, data):
        grant_withdraw(grant=self.grant, reason=data["reason"], actor=self.request.user)


class OfficerAttachmentView(OfficerRequiredMixin, View):
    """A file of the initiative, for its officers only (internal notes' files included)."""

    def get(self, request, pk, attachment_pk):
        attachment = get_object_or_404(
            Attachment.objects.visible_to(request.user).filter(initiative_id=pk).select_related("initiative"),
            pk=attachment_pk,
        )
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, ValueError) as missing:  # removed by retention, or never stored
            raise Http404 from missing
        audit_log(
            actor=request.user,
            action=AuditAction.ATTACHMENT_DOWNLOAD,
            obj=attachment,
            municipality=attachment.initiative.municipality,
        )
        response = FileResponse(
            handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store, private"
        return response


class OfficerDecisionLetterView(OfficerRequiredMixin, View):
    """The decision letter (PDF) for the initiative's officers, made now when still missing."""

    def get(self, request, pk, decision_pk):
        decision = get_object_or_404(
            Decision.objects.visible_to(request.user)
            .filter(initiative_id=pk)
            .select_related("initiative__municipality"),
            pk=decision_pk,
        )
        try:
            pdf = decision_letter_pdf(decision_id=decision.pk)
        except Exception:  # noqa: BLE001 - say so; the next try makes it again
            logger.exception("decision letter: could not make the letter of decision %s", decision.pk)
            messages.error(request, _("The decision letter cannot be made right now. Please try again later."))
            return redirect(reverse("initiatives:officer_detail", args=[pk]) + "#decision")
        if pdf is None:
            raise Http404
        audit_log(
            actor=request.user,
            action=AuditAction.DECISION_LETTER_DOWNLOAD,
            obj=decision,
            municipality=decision.initiative.municipality,
        )
        return letter_response(decision, pdf)


@method_decorator(never_cache, name="dispatch")
class InitiativeRegisterView(OfficerRequiredMixin, View):
    """An officer enters an application that came in by phone, on paper, by email or at the desk."""

    template_name = "initiatives/officer/initiative_register.html"

    @property
    def municipality(self):
        return self.membership.municipality if self.membership else None

    def get(self, request):
        form = officer_forms.InitiativeRegisterForm(municipality=self.municipality, officer=request.user)
        return self.render(form, CostLineFormSet(prefix="costs"))

    def post(self, request):
        form = officer_forms.InitiativeRegisterForm(request.POST, request.FILES, municipality=self.municipality)
        if CostLineFormSet.add_line_requested(request.POST):  # "Add a line" without JavaScript
            formset = CostLineFormSet.with_added_line(request.POST, prefix="costs")
            forget_errors(form, formset)
            return self.render(form, formset)
        formset = CostLineFormSet(request.POST, prefix="costs")
        form.check_money(formset)
        if form.is_valid() and formset.is_valid():
            return self.form_valid(form, formset)
        return self.render(form, formset)

    def form_valid(self, form, formset):
        try:
            initiative = initiative_submit(
                data=form.initiative_data(),
                cost_lines=formset.lines(),
                files=form.cleaned_data["attachments"],
                channel=form.cleaned_data["channel"],
                registered_by=self.request.user,
                handler=form.cleaned_data["handler"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.render(form, formset)
        messages.success(
            self.request,
            _("Initiative %(reference)s has been registered.") % {"reference": initiative.reference},
        )
        return redirect("initiatives:officer_detail", pk=initiative.pk)

    def render(self, form, formset):
        context = {
            "form": form,
            "formset": formset,
            "municipality": self.municipality,
        }
        return render(self.request, self.template_name, context)
