"""How sign-in mails get their links at send time: a link is made when its mail leaves, inside the
sending transaction, so it is never stored in the outbox and is rolled back if the mail fails."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.services import ENROLMENT_LINK_TEMPLATE, PASSWORD_RESET_TEMPLATE, enrolment_link_create
from notifications.builders import Built, register


@register("accounts/email/")
def build_accounts_mail(mail) -> Built:
    built = Built()
    user = get_user_model()._default_manager.filter(pk=mail.context.get("user_id")).first()
    if user is None:
        return built
    built.context["user"] = user
    if mail.template == ENROLMENT_LINK_TEMPLATE:
        token = enrolment_link_create(user=user)
        built.context["enrolment_url"] = settings.SITE_URL + reverse("accounts:mfa_enrol", kwargs={"token": token})
        built.context["hours"] = settings.ENROLMENT_LINK_HOURS
    elif mail.template == PASSWORD_RESET_TEMPLATE:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        built.context["reset_url"] = settings.SITE_URL + reverse(
            "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
        )
    return built
