from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from notifications.forms import NotificationPreferenceForm
from notifications.models import NotificationPreference
from notifications.services import notification_preference_set


class NotificationPreferenceView(LoginRequiredMixin, FormView):
    """A staff member chooses single mails or one daily digest."""

    template_name = "notifications/preferences.html"
    form_class = NotificationPreferenceForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = NotificationPreference.objects.filter(user=self.request.user).first()
        return kwargs

    def form_valid(self, form):
        notification_preference_set(user=self.request.user, daily_digest=form.cleaned_data["daily_digest"])
        messages.success(self.request, _("Your mail settings have been saved."))
        return redirect("notifications:preferences")
