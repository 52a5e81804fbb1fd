"""A municipality's own look: its stylesheet of design tokens, its logo and its header image.

The stylesheet holds nothing but CSS custom properties named as the NL Design System's tokens
(@utrecht/design-tokens); static/css/site.css maps Bootstrap's variables onto them. The colours
were checked for contrast when the municipality was saved (Municipality.clean). Pages carry the
theme through the `theme` context variable (templates/base.html); see `theme_context`.
"""

import mimetypes

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition

from municipalities.models import Municipality
from villages.models import Village

# The address carries the theme's version (?v=): a browser may keep it a day.
THEME_CACHE = cache_control(public=True, max_age=24 * 3600)


def theme_context(municipality) -> dict:
    """The context that makes a page carry the municipality's look (nothing when it has none)."""
    if municipality is None or not municipality.is_active or not municipality.has_theme:
        return {}
    return {"theme": municipality}


def theme_for_village(value) -> dict:
    """The look of the municipality of a village chosen on the form (a pk, maybe as text)."""
    if not str(value or "").isdigit():
        return {}
    village = Village.objects.select_related("municipality").filter(pk=int(value)).first()
    return theme_context(village.municipality if village else None)


def theme_for_slug(slug) -> dict:
    return theme_context(Municipality.objects.active().filter(slug=slug).first() if slug else None)


def _updated(request, slug):
    return Municipality.objects.active().filter(slug=slug).values_list("updated_at", flat=True).first()


def _darker(colour: str, share: float = 0.2) -> str:
    """`colour` mixed with `share` black: the hover shade (more contrast with white, never less)."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * (1 - share)):02x}" for c in channels)


def _rgb(colour: str) -> str:
    return ", ".join(str(int(colour[i : i + 2], 16)) for i in (1, 3, 5))


def theme_tokens(municipality) -> dict[str, str]:
    """The design tokens of the municipality's theme, by their CSS custom property name."""
    tokens = {}
    primary, secondary = municipality.theme_primary_colour, municipality.theme_secondary_colour
    if primary:
        tokens |= {
            "--utrecht-button-primary-action-background-color": primary,
            "--utrecht-button-primary-action-border-color": primary,
            "--utrecht-button-primary-action-color": "#ffffff",
            "--utrecht-button-primary-action-hover-background-color": _darker(primary),
            "--utrecht-button-primary-action-hover-border-color": _darker(primary),
            "--utrecht-link-color": primary,
            "--utrecht-link-hover-color": _darker(primary),
            "--utrecht-link-visited-color": primary,
            # Bootstrap reads a colour's channels too; these follow the tokens above.
            "--bs-primary-rgb": _rgb(primary),
            "--bs-link-color-rgb": _rgb(primary),
            "--bs-link-hover-color-rgb": _rgb(_darker(primary)),
        }
    if secondary:
        tokens |= {
            "--utrecht-page-header-background-color": secondary,
            "--utrecht-page-header-color": "#ffffff",
        }
    return tokens


@method_decorator([THEME_CACHE, condition(last_modified_func=_updated)], name="get")
class ThemeStylesheetView(View):
    """text/css: the municipality's tokens on :root, and its header image on `.theme-banner`."""

    def get(self, request, slug):
        municipality = get_object_or_404(Municipality.objects.active(), slug=slug)
        css = render_to_string(
            "municipalities/theme.css",
            {
                "municipality": municipality,
                "tokens": sorted(theme_tokens(municipality).items()),
                "header_image_url": (
                    f"{reverse('initiatives:theme_image', args=[slug, 'kopbeeld'])}?v={municipality.theme_version}"
                    if municipality.theme_header_image
                    else ""
                ),
            },
        )
        return HttpResponse(css, content_type="text/css; charset=utf-8")


@method_decorator(
    [THEME_CACHE, condition(last_modified_func=lambda request, slug, kind: _updated(request, slug))], name="get"
)
class ThemeImageView(View):
    """The logo or header image of an active municipality (stored outside the public media)."""

    fields = {"logo": "logo", "kopbeeld": "theme_header_image"}

    def get(self, request, slug, kind):
        if kind not in self.fields:
            raise Http404
        municipality = get_object_or_404(Municipality.objects.active(), slug=slug)
        file = getattr(municipality, self.fields[kind])
        if not file:
            raise Http404
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        response = FileResponse(file.open("rb"), content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response
