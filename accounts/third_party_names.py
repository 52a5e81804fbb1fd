"""Names that packages we use mark for translation but do not translate into Dutch. Listed here
so `make messages` puts them in our catalogue, which Django reads before the packages' own."""

from django.utils.translation import gettext_noop

THIRD_PARTY_NAMES = [
    # django-axes (axes/models.py)
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
]
