"""Residents' pages: submit without an account, follow by a private link, the public gallery."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db.models import Prefetch
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from config import ratelimit

from . import pending_uploads
from .constants import MUNICIPAL_ROLE_EXPLANATIONS, STATUS_EXPLANATIONS, TERMINAL_STATUSES, MessageKind, Status
from .filters import PublicInitiativeFilter
from .forms import (
    CostLineFormSet,
    InitiativeSubmitForm,
    LostLinkForm,
    SatisfactionForm,
    TrackingReplyForm,
    WithdrawForm,
    check_money,
)
from .models import Attachment, Initiative, Message, Satisfaction
from .retention import personal_data_export
from .satisfaction import SatisfactionNotAllowed, satisfaction_answer, satisfaction_can_answer
from .services import initiative_reply, initiative_submit, initiative_withdraw, lost_link_request, officers_for_village
from .timeline import public_timeline

SUBMITTED_SESSION_KEY = "submitted_initiative"


def _rate_limited(request):
    return render(request, "initiatives/rate_limited.html", status=429)


@method_decorator(never_cache, name="dispatch")
class InitiativeSubmitView(View):
    """The public form. Bad input is answered with the form again, with everything kept."""

    template_name = "initiatives/initiative_form.html"
    scope = "submit"

    def get(self, request):
        initial = {}
        village = request.GET.get("dorp", "")
        if village.isdigit():
            initial["village"] = int(village)
        if request.GET.get("lang") in dict(settings.LANGUAGES):
            initial["preferred_language"] = request.GET["lang"]
        else:
            initial["preferred_language"] = request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("nl", "en") else "nl"
        # Only a well-formed slug reaches the query (a NUL byte in it is a 500 on PostgreSQL).
        municipality_slug = request.GET.get("gemeente", "")
        municipality_slug = municipality_slug if slug_re.match(municipality_slug) else None
        form = InitiativeSubmitForm(initial=initial, municipality_slug=municipality_slug)
        return self.render(form, CostLineFormSet(prefix="costs"), kept=pending_uploads.listed(request))

    def post(self, request):
        if ratelimit.is_limited(self.scope, request, limit=settings.SUBMISSION_RATE_LIMIT):
            return _rate_limited(request)
        kept = pending_uploads.drop(request, request.POST.getlist("keep_upload"))
        form = InitiativeSubmitForm(request.POST, request.FILES, kept_uploads=len(kept))
        formset = CostLineFormSet(request.POST, prefix="costs")
        check_money(form, formset)
        if form.errors.get("website"):  # the honeypot: count it, store nothing
            ratelimit.record(self.scope, request, period=settings.SUBMISSION_RATE_PERIOD)
        if not (form.is_valid() and formset.is_valid()):
            if "attachments" not in form.errors and form.cleaned_data.get("attachments"):
                pending_uploads.keep(request, form.cleaned_data["attachments"])
            return self.render(form, formset, kept=pending_uploads.listed(request), status=200)
        try:
            initiative = initiative_submit(
                data=form.initiative_data(),
                cost_lines=formset.lines(),
                files=pending_uploads.as_uploads(kept) + form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(form, formset, kept=pending_uploads.listed(request), status=200)
        ratelimit.record(self.scope, request, period=settings.SUBMISSION_RATE_PERIOD)
        pending_uploads.clear(request, delete_files=True)
        request.session[SUBMITTED_SESSION_KEY] = initiative.pk
        return redirect("initiative_submitted")

    def render(self, form, formset, *, kept, status=200):
        context = {
            "form": form,
            "formset": formset,
            "kept_uploads": kept,
            "max_files": settings.ATTACHMENT_MAX_FILES,
        }
        return render(self.request, self.template_name, context, status=status)


@method_decorator(never_cache, name="dispatch")
class InitiativeSubmittedView(TemplateView):
    template_name = "initiatives/initiative_submitted.html"

    def get(self, request, *args, **kwargs):
        pk = request.session.get(SUBMITTED_SESSION_KEY)
        self.initiative = Initiative.objects.select_related("village", "municipality").filter(pk=pk).first()
        if self.initiative is None:
            return redirect("initiative_submit")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["initiative"] = self.initiative
        context["municipality"] = self.initiative.municipality
        context["officers"] = officers_for_village(self.initiative.village)
        return context


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


class InitiativeTrackView(TrackedInitiativeMixin, FormView):
    template_name = "initiatives/initiative_track.html"
    form_class = TrackingReplyForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = (
            Initiative.objects.prefetch_related(
                "status_changes",
                Prefetch(
                    "messages",
                    queryset=Message.objects.exclude(kind=MessageKind.INTERNAL_NOTE).prefetch_related("attachments"),
                ),
                "decisions__grants__fund",
                "agreements",
                "cost_lines",
                "themes",
                Prefetch("attachments", queryset=Attachment.objects.filter(message__isnull=True)),
            )
            .select_related("satisfaction")
            .get(pk=self.initiative.pk)
        )
        explanation, next_step = STATUS_EXPLANATIONS[initiative.status]
        satisfaction = getattr(initiative, "satisfaction", None)
        context.update(
            initiative=initiative,
            municipality=initiative.municipality,
            token=self.kwargs["token"],
            timeline=public_timeline(initiative),
            status_explanation=explanation,
            status_next=next_step,
            officers=officers_for_village(initiative.village),
            can_reply=initiative.status != Status.WITHDRAWN,
            can_withdraw=initiative.status not in TERMINAL_STATUSES | {Status.CLOSED, Status.REALISED},
            role_explanation=MUNICIPAL_ROLE_EXPLANATIONS.get(initiative.municipal_role),
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
        return redirect("initiative_track", token=self.kwargs["token"])


class InitiativeSatisfactionView(TrackedInitiativeMixin, FormView):
    """The one question after closing. Errors are shown on this page; an answer goes back to
    the tracking page with a thank-you. A second answer is refused kindly."""

    template_name = "initiatives/satisfaction_form.html"
    form_class = SatisfactionForm

    def get(self, request, *args, **kwargs):
        if self._refusal():
            return redirect("initiative_track", token=self.kwargs["token"])
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
        return redirect("initiative_track", token=self.kwargs["token"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(initiative=self.initiative, token=self.kwargs["token"], **kwargs)

    def form_valid(self, form):
        try:
            satisfaction_answer(initiative=self.initiative, **form.cleaned_data)
        except SatisfactionNotAllowed as refused:  # answered in another tab a moment ago
            return self._refused(refused.messages[0])
        messages.success(self.request, _("Thank you for your answer. It helps the municipality to do better."))
        return redirect("initiative_track", token=self.kwargs["token"])


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


class LostLinkView(FormView):
    template_name = "initiatives/lost_link.html"
    form_class = LostLinkForm
    scope = "lost-link"

    def post(self, request, *args, **kwargs):
        if ratelimit.is_limited(self.scope, request, limit=settings.SUBMISSION_RATE_LIMIT):
            return _rate_limited(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        ratelimit.record(self.scope, self.request, period=settings.SUBMISSION_RATE_PERIOD)
        lost_link_request(email=form.cleaned_data["email"])
        return redirect("lost_link_sent")


class LostLinkSentView(TemplateView):
    template_name = "initiatives/lost_link_sent.html"


class InitiativeGalleryView(FilterView):
    template_name = "initiatives/initiative_list.html"
    filterset_class = PublicInitiativeFilter
    paginate_by = 20

    def get_queryset(self):
        return (
            Initiative.objects.published()
            .select_related("village", "municipality")
            .prefetch_related("themes")
            .order_by("-submitted_at")
        )


class PublicInitiativeView(DetailView):
    template_name = "initiatives/initiative_detail.html"
    context_object_name = "initiative"
    slug_field = "reference"
    slug_url_kwarg = "reference"

    def get_queryset(self):
        return (
            Initiative.objects.published()
            .select_related("village", "municipality")
            .prefetch_related("themes", "cost_lines", "decisions__grants")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.object.municipality
        context["decision"] = next(iter(self.object.decisions.all()), None)
        context["role_explanation"] = MUNICIPAL_ROLE_EXPLANATIONS.get(self.object.municipal_role)
        return context
