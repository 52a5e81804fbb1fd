from django.conf import settings


def platform(request):
    """What every page's header and footer need."""
    return {"SITE_URL": settings.SITE_URL}
