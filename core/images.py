"""Checking an uploaded image (a municipality's logo) by its content, not its name.

Only PNG and JPEG: Pillow must be able to read the file as one of those, within a size and
pixel limit. SVG is refused on purpose: an SVG is a document that can hold scripts, external
references and entity expansions, and checking that safely needs a whitelisting sanitiser we do
not carry; every municipality has its logo as PNG too.
"""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


@deconstructible
class ImageFileValidator:
    """A PNG or JPEG of at most `max_bytes`, at most `max_side` pixels wide and high."""

    def __init__(self, max_bytes: int = 1024 * 1024, max_side: int = 4000):
        self.max_bytes = max_bytes
        self.max_side = max_side

    def __call__(self, file):
        from PIL import Image, UnidentifiedImageError

        if file.size is not None and file.size > self.max_bytes:
            raise ValidationError(
                _("The image is too large: at most %(max)s."),
                params={"max": filesizeformat(self.max_bytes)},
                code="image_too_large",
            )
        position = file.tell() if hasattr(file, "tell") else None
        try:
            file.seek(0)
            with Image.open(file) as image:
                kind = image.format
                width, height = image.size
                if kind in IMAGE_FORMATS and max(width, height) <= self.max_side:
                    image.verify()
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            raise ValidationError(_("Choose a PNG or JPEG image."), code="image_type") from error
        finally:
            if position is not None:
                file.seek(position)
        if kind not in IMAGE_FORMATS:
            raise ValidationError(_("Choose a PNG or JPEG image."), code="image_type")
        if max(width, height) > self.max_side:
            raise ValidationError(
                _("The image is too big: at most %(max)s × %(max)s pixels."),
                params={"max": self.max_side},
                code="image_pixels",
            )

    def __eq__(self, other):
        return isinstance(other, ImageFileValidator) and (self.max_bytes, self.max_side) == (
            other.max_bytes,
            other.max_side,
        )
