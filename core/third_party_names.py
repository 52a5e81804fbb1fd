"""Texts of packages we use that need Dutch of our own. Listed here so `make messages` puts them
in our catalogue, which Django reads before the packages' own catalogues.

- django-axes marks its model names for translation but has no Dutch.
- Django's admin messages say "De {name} ..." in Dutch, which is wrong for a "het" word ("De
  fonds"); ours put the action first, so no article is needed ("Toegevoegd: fonds ...").
"""

from django.utils.translation import gettext_noop

THIRD_PARTY_TEXTS = [
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
    # django.contrib.admin (options.py)
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
]
