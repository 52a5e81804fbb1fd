from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_PLATFORM_NAME = _("Village initiatives")


def platform_name():
    """The platform's name: the PLATFORM_NAME setting, or the translated default."""
    return getattr(settings, "PLATFORM_NAME", "") or DEFAULT_PLATFORM_NAME


def platform(request):
    """What every page's header and footer need of the platform itself."""
    return {
        "SITE_URL": settings.SITE_URL,
        "PLATFORM_NAME": platform_name(),
        "MUNICIPAL_TEXT_LANGUAGE": settings.MUNICIPAL_TEXT_LANGUAGE,
    }
