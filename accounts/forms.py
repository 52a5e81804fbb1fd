from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import verify_token

from accounts.mfa import normalise_recovery_code, recovery_code_hash

APP_CODE_DIGITS = 6


def _throttle_error(device) -> str | None:
    """django-otp waits longer after each wrong code (1, 2, 4, 8 ... seconds): say how long."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (details or {}).get("locked_until")
    seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1) if locked_until else 1
    return ngettext(
        "You typed a wrong code too often. Wait %(seconds)d second and try again.",
        "You typed a wrong code too often. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


class DeviceCodeForm(forms.Form):
    """A code checked against one device of the user. `wrong_code` tells the view to count a failure."""

    wrong_code_message = _("This code is not right. Check it and try again.")

    def __init__(self, *args, user, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device
        self.wrong_code = False

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if not code or self.device is None:
            if code:
                self.wrong_code = True
                self.add_error("code", self.wrong_code_message)
            return cleaned
        throttled = _throttle_error(self.device)
        if throttled:
            self.add_error("code", throttled)
            return cleaned
        verified = verify_token(self.user, self.device.persistent_id, code)
        if verified is None:
            self.wrong_code = True
            self.add_error("code", self.wrong_code_message)
        else:
            self.device = verified
        return cleaned


class AppCodeForm(DeviceCodeForm):
    code = forms.CharField(
        label=_("Code from the app"),
        help_text=_("6 digits. The app shows a new code every 30 seconds."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != APP_CODE_DIGITS:
            raise forms.ValidationError(_("Type the 6 digits that the app shows."))
        return code


class RecoveryCodeForm(DeviceCodeForm):
    code = forms.CharField(
        label=_("Recovery code"),
        help_text=_("One of the recovery codes you saved. Each code works only once."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false", "size": 12}
        ),
    )

    def clean_code(self):
        code = normalise_recovery_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Type one of your recovery codes."))
        return recovery_code_hash(code)  # what is stored of a code
