"""Public pages: the home page, submitting an initiative, the lost link, the gallery, one published
initiative, and the pages of a municipality and a village."""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db.models import Count, Prefetch
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from core import ratelimit
from core.forms import forget_errors
from core.pagination import EstimatingPaginator
from initiatives import pending_uploads
from initiatives.constants import (
    MUNICIPAL_ROLE_EXPLANATIONS,
)
from initiatives.filters import PublicInitiativeFilter
from initiatives.forms import (
    CostLineFormSet,
    InitiativeSubmitForm,
    LostLinkForm,
    SupportForm,
)
from initiatives.models import Initiative
from initiatives.public_sections import municipality_sections
from initiatives.services.submission import (
    initiative_submit,
    lost_link_request,
)
from initiatives.services.supports import normalise_email, support_give, support_is_open
from initiatives.views.supports import initiative_public_url, support_context
from initiatives.views.theme import theme_context, theme_for_slug, theme_for_village
from municipalities.access import officers_for_village
from municipalities.models import Fund, Municipality, OfficerMembership
from villages.models import Village

RECEIPT_PARAMETER = "bewijs"
RECEIPT_SALT = "initiatives.submitted"
RECEIPT_MAX_AGE = 60 * 60  # seconds: the receipt page opens for an hour after the submission
GALLERY_PAGE_SIZE = 20
# The gallery counts its published initiatives exactly up to this many; beyond it the page says
# "about" (PostgreSQL's planner estimate): counting all published initiatives of the whole
# country grew with the platform and took longer than the page (bench/results/scale.md).
GALLERY_EXACT_COUNT_UP_TO = 100 * GALLERY_PAGE_SIZE
SUPPORT_SCOPE = "support"
SUPPORT_SCOPE_ADDRESS = "support-address"


def _rate_limited(request):
    return render(request, "initiatives/rate_limited.html", status=429)


def _receipt_signer(browser_secret: str) -> signing.TimestampSigner:
    """Signs the id of a submitted initiative for one browser: the secret of its CSRF cookie is
    part of the key, so the link opens the receipt page (with the resident's email address) in
    that browser only, and only for RECEIPT_MAX_AGE. No session row, no second COMMIT per
    submission (bench/results/server.md)."""
    return signing.TimestampSigner(salt=f"{RECEIPT_SALT}:{browser_secret}")


def receipt_url(request, initiative) -> str:
    """The receipt page of `initiative` for the browser that sent it."""
    if "CSRF_COOKIE" not in request.META:  # a sent form has the cookie; else it comes with this answer
        get_token(request)
    token = _receipt_signer(request.META["CSRF_COOKIE"]).sign(str(initiative.pk))
    return f"{reverse('initiatives:submitted')}?{urlencode({RECEIPT_PARAMETER: token})}"


def receipt_initiative_id(request) -> int | None:
    """The initiative whose receipt this browser may see now, or None."""
    token, secret = request.GET.get(RECEIPT_PARAMETER, ""), request.META.get("CSRF_COOKIE")
    if not token or not secret:
        return None
    try:
        value = _receipt_signer(secret).unsign(token, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature:  # tampered, another browser's, or too old (SignatureExpired)
        return None
    return int(value) if value.isdigit() else None


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
        theme = theme_for_village(initial.get("village")) or theme_for_slug(municipality_slug)
        return self.render(form, CostLineFormSet(prefix="costs"), kept=pending_uploads.listed(request), theme=theme)

    def post(self, request):
        if ratelimit.is_limited(self.scope, request, limit=settings.SUBMISSION_RATE_LIMIT):
            return _rate_limited(request)
        # Every post with files counts, sent or not: failed forms keep their files on disk.
        counted = bool(request.FILES)
        if counted:
            ratelimit.record(self.scope, request, period=settings.SUBMISSION_RATE_PERIOD)
        kept = pending_uploads.drop(request, request.POST.getlist("keep_upload"))
        form = InitiativeSubmitForm(request.POST, request.FILES, kept_uploads=len(kept))
        if CostLineFormSet.add_line_requested(request.POST):  # "Add a line" without JavaScript
            formset = CostLineFormSet.with_added_line(request.POST, prefix="costs")
            form.is_valid()  # for the files: they are kept as after a form with errors
            if "attachments" not in form.errors and form.cleaned_data.get("attachments"):
                pending_uploads.keep(request, form.cleaned_data["attachments"])
            forget_errors(form, formset)
            return self.render(form, formset, kept=pending_uploads.listed(request))
        formset = CostLineFormSet(request.POST, prefix="costs")
        form.check_money(formset)
        if form.errors.get("website") and not counted:  # the honeypot: count it, store nothing
            ratelimit.record(self.scope, request, period=settings.SUBMISSION_RATE_PERIOD)
            counted = True
        if not (form.is_valid() and formset.is_valid()):
            return self.render_again(form, formset)
        try:
            initiative = initiative_submit(
                data=form.initiative_data(),
                cost_lines=formset.lines(),
                files=pending_uploads.as_uploads(kept) + form.cleaned_data["attachments"],
            )
        except ValidationError as error:  # nothing was stored; the form comes back with the files
            form.add_error(None, error)
            return self.render_again(form, formset)
        if not counted:
            ratelimit.record(self.scope, request, period=settings.SUBMISSION_RATE_PERIOD)
        pending_uploads.clear(request, delete_files=True)
        return redirect(receipt_url(request, initiative))

    def render_again(self, form, formset):
        """The sent form with its errors; the files it brought are kept for the next try."""
        request = self.request
        if "attachments" not in form.errors and form.cleaned_data.get("attachments"):
            not_kept = pending_uploads.keep(request, form.cleaned_data["attachments"])
            if not_kept:
                form.add_error("attachments", pending_uploads.not_kept_message(not_kept))
        return self.render(form, formset, kept=pending_uploads.listed(request))

    def render(self, form, formset, *, kept, status=200, theme=None):
        # The municipality's look once the form knows it: from the page the resident came from,
        # or the village chosen (a form sent back with errors).
        if theme is None:
            theme = theme_for_village(form["village"].value())
        context = {
            "form": form,
            "formset": formset,
            "kept_uploads": kept,
            "max_files": settings.ATTACHMENT_MAX_FILES,
            **theme,
        }
        return render(self.request, self.template_name, context, status=status)


@method_decorator(never_cache, name="dispatch")
class InitiativeSubmittedView(TemplateView):
    template_name = "initiatives/initiative_submitted.html"

    def get(self, request, *args, **kwargs):
        pk = receipt_initiative_id(request)
        self.initiative = (
            Initiative.objects.select_related("village", "municipality").filter(pk=pk).first() if pk else None
        )
        if self.initiative is None:
            return redirect("initiatives:submit")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["initiative"] = self.initiative
        context["municipality"] = self.initiative.municipality
        context |= theme_context(self.initiative.municipality)
        context["officers"] = officers_for_village(self.initiative.village)
        return context


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
        return redirect("initiatives:lost_link_sent")


class LostLinkSentView(TemplateView):
    template_name = "initiatives/lost_link_sent.html"


class InitiativeGalleryView(FilterView):
    template_name = "initiatives/initiative_list.html"
    filterset_class = PublicInitiativeFilter
    paginate_by = GALLERY_PAGE_SIZE

    def get_queryset(self):
        return (
            Initiative.objects.published()
            .select_related("village", "municipality")
            .prefetch_related("themes")
            .order_by("-submitted_at")
        )

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return EstimatingPaginator(queryset, per_page, exact_up_to=GALLERY_EXACT_COUNT_UP_TO)

    def paginate_queryset(self, queryset, page_size):
        """A missing, garbled or too high page number shows the nearest page, never a 404."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()


class PublicInitiativeView(DetailView):
    template_name = "initiatives/initiative_detail.html"
    context_object_name = "initiative"
    slug_field = "reference"
    slug_url_kwarg = "reference"

    def get_queryset(self):
        return (
            Initiative.objects.published()
            .select_related("village", "municipality")
            .prefetch_related("themes", "cost_lines", "decisions__grants__fund")
        )

    def get_context_data(self, support_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipality"] = self.object.municipality
        context["decision"] = next(iter(self.object.decisions.all()), None)
        context["role_explanation"] = MUNICIPAL_ROLE_EXPLANATIONS.get(self.object.municipal_role)
        context.update(support_context(self.object, support_form))
        return context


@method_decorator(never_cache, name="dispatch")
class SupportGiveView(PublicInitiativeView):
    """The form's post; errors show the initiative's page again with the form filled in."""

    def get(self, request, *args, **kwargs):
        initiative = self.get_object()
        return redirect(initiative_public_url(initiative) + "#support")

    def post(self, request, *args, **kwargs):
        self.object = initiative = self.get_object()
        if not support_is_open(initiative):
            return redirect(initiative_public_url(initiative))
        if ratelimit.is_limited(SUPPORT_SCOPE, request, limit=settings.SUPPORT_RATE_LIMIT):
            return render(request, "initiatives/rate_limited.html", status=429)
        form = SupportForm(request.POST, initiative=initiative)
        if form.errors.get("website"):  # the honeypot: count it, store nothing
            ratelimit.record(SUPPORT_SCOPE, request, period=settings.SUPPORT_RATE_PERIOD)
            return self.page(form)
        if not form.is_valid():
            return self.page(form)
        address = normalise_email(form.cleaned_data["email"])
        if ratelimit.is_limited(
            SUPPORT_SCOPE_ADDRESS, request, limit=settings.SUPPORT_RATE_LIMIT_PER_ADDRESS, value=address
        ):
            return render(request, "initiatives/rate_limited.html", status=429)
        ratelimit.record(SUPPORT_SCOPE, request, period=settings.SUPPORT_RATE_PERIOD)
        ratelimit.record(SUPPORT_SCOPE_ADDRESS, request, period=settings.SUPPORT_RATE_PERIOD, value=address)
        data = {key: value for key, value in form.cleaned_data.items() if key != "website"}
        try:
            support_give(initiative=initiative, language=request.LANGUAGE_CODE, **data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.page(form)
        return redirect("initiatives:support_sent", reference=initiative.reference)

    def page(self, form):
        return self.render_to_response(self.get_context_data(object=self.object, support_form=form))


class MunicipalityDetailView(DetailView):
    template_name = "municipalities/municipality_detail.html"
    context_object_name = "municipality"

    def get_queryset(self):
        return Municipality.objects.active().prefetch_related(
            Prefetch("funds", queryset=Fund.objects.open().order_by("-year", "name"), to_attr="open_funds"),
            Prefetch(
                "villages",
                queryset=Village.objects.annotate(
                    published_count=Count("initiatives", filter=Initiative.objects.published_q(prefix="initiatives__"))
                ).prefetch_related(
                    Prefetch(
                        "officers",
                        queryset=OfficerMembership.objects.filter(is_active=True).select_related("user"),
                        to_attr="active_officers",
                    )
                ),
                to_attr="village_list",
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_initiatives"] = (
            Initiative.objects.published()
            .filter(municipality=self.object)
            .select_related("village")
            .order_by("-submitted_at")[:6]
        )
        context["extra_sections"] = municipality_sections(self.object)
        context |= theme_context(self.object)
        return context


class VillageDetailView(DetailView):
    template_name = "villages/village_detail.html"
    context_object_name = "village"

    def get_object(self, queryset=None):
        municipality = get_object_or_404(Municipality.objects.active(), slug=self.kwargs["municipality"])
        return get_object_or_404(
            Village.objects.filter(municipality=municipality).select_related("municipality"), slug=self.kwargs["slug"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        village = self.object
        context["municipality"] = village.municipality
        context |= theme_context(village.municipality)
        context["organisations"] = village.organisations.order_by("kind", "name")
        context["officers"] = officers_for_village(village)
        context["initiatives"] = (
            Initiative.objects.published()
            .filter(village=village)
            .prefetch_related("themes")
            .order_by("-submitted_at")[:20]
        )
        return context


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipalities"] = Municipality.objects.active().annotate(village_count=Count("villages"))
        return context
