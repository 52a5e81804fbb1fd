"""The staff API's authentication: `Authorization: Api-Key <key>`."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.services import api_key_find, api_key_touch
from municipalities.access import act_as_officer_for_request

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != KEYWORD.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as: Authorization: Api-Key <key>."))
        key = api_key_find(header[1])
        if key is None:
            raise exceptions.AuthenticationFailed(_("This API key is unknown or revoked."))
        api_key_touch(key)
        act_as_officer_for_request(key.user, key.municipality)
        return key.user, key

    def authenticate_header(self, request):
        return KEYWORD
