"""Plain text with a few named placeholders, such as a municipality's own opening of a letter.

Text that staff type is never run through the Django template engine (it could reach any
variable and tag there). Only `{name}` for the names a caller allows is replaced, by plain
text; everything else, other braces included, stays as typed. The result is plain text: the
template that shows it escapes it like any other value.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """`text` with each `{name}` whose name is in `values` replaced by str(value)."""

    def replace(match):
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return PLACEHOLDER.sub(replace, text)


@deconstructible
class PlaceholderValidator:
    """Refuses a `{name}` that is not one of `allowed`: a typing error would otherwise show as is."""

    def __init__(self, allowed):
        self.allowed = tuple(allowed)

    def __call__(self, value: str):
        unknown = sorted({name for name in PLACEHOLDER.findall(value or "") if name not in self.allowed})
        if unknown:
            raise ValidationError(
                _("Unknown placeholder: %(unknown)s. You can use: %(allowed)s."),
                params={
                    "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                    "allowed": ", ".join(f"{{{name}}}" for name in self.allowed),
                },
                code="unknown_placeholder",
            )

    def __eq__(self, other):
        return isinstance(other, PlaceholderValidator) and self.allowed == other.allowed
