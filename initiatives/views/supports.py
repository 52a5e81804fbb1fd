"""Neighbours' support on a published initiative's page: the form, "check your mailbox", and
the two links in the mail (confirm, withdraw). Each link page asks for a button press: a mail
scanner that opens the link changes nothing."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from initiatives.forms import SupportForm
from initiatives.models import Initiative, Support
from initiatives.services.supports import (
    support_confirm,
    support_count,
    support_is_open,
    support_link_expired,
    support_withdraw,
)

PUBLIC_SUPPORTERS_SHOWN = 100


def support_context(initiative: Initiative, form: SupportForm | None = None) -> dict:
    """What the public page shows about support: the count, the names and reasons as chosen, the form."""
    open_ = support_is_open(initiative)
    supporters = [
        support
        for support in Support.objects.confirmed()
        .filter(initiative=initiative)
        .order_by("-confirmed_at", "-pk")[:PUBLIC_SUPPORTERS_SHOWN]
        if support.public_name or support.public_reason
    ]
    return {
        "support_count": support_count(initiative),
        "public_supporters": supporters,
        "support_open": open_,
        "support_form": (form or SupportForm(initiative=initiative)) if open_ else None,
    }


def initiative_public_url(initiative: Initiative) -> str:
    return reverse("initiatives:public", kwargs={"reference": initiative.reference})


class PublishedInitiativeMixin:
    def get_queryset(self):
        return Initiative.objects.published().select_related("village", "municipality")


class SupportSentView(PublishedInitiativeMixin, DetailView):
    """ "Check your mailbox": the same page whether the address was new, known or confirmed."""

    template_name = "initiatives/support_sent.html"
    context_object_name = "initiative"
    slug_field = "reference"
    slug_url_kwarg = "reference"

    def get_context_data(self, **kwargs):
        return super().get_context_data(valid_days=settings.SUPPORT_CONFIRM_DAYS, **kwargs)


class SupportLinkMixin:
    """Finds the support by the link in the mail (on a published initiative); unknown: 404."""

    def get_support(self) -> Support:
        return get_object_or_404(
            self.lookup(self.kwargs["token"])
            .filter(Initiative.objects.published_q(prefix="initiative__"))
            .select_related("initiative__village", "initiative__municipality")
        )

    def dispatch(self, request, *args, **kwargs):
        self.support = self.get_support()
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class SupportConfirmView(SupportLinkMixin, View):
    template_name = "initiatives/support_confirm.html"

    def lookup(self, token):
        return Support.objects.for_confirm_token(token)

    def get(self, request, token):
        return self.page()

    def post(self, request, token):
        try:
            support_confirm(support=self.support)
        except ValidationError as error:
            return self.page(error=error.messages[0])
        messages.success(request, _("Thank you! Your support has been confirmed and now counts."))
        return redirect("initiatives:support_confirm", token=token)

    def page(self, error=""):
        support = self.support
        context = {
            "support": support,
            "initiative": support.initiative,
            "expired": support_link_expired(support),
            "open": support_is_open(support.initiative),
            "error": error,
        }
        return render(self.request, self.template_name, context)


class SupportWithdrawView(SupportLinkMixin, View):
    template_name = "initiatives/support_withdraw.html"

    def lookup(self, token):
        return Support.objects.for_withdraw_token(token)

    def get(self, request, token):
        return render(request, self.template_name, {"support": self.support, "initiative": self.support.initiative})

    def post(self, request, token):
        initiative = self.support.initiative
        support_withdraw(support=self.support)
        messages.success(request, _("Your support has been withdrawn. We no longer keep your details."))
        return redirect(initiative_public_url(initiative))
