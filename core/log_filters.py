"""Logging filters. Imported while logging is configured: no models, no app registry."""

import logging
import re

# The token in a private link (/initiatieven/volg/<token>/..., /trajecten/scan/<token>/) is as
# secret as a password.
TRACKING_TOKEN = re.compile(r"(/(?:volg|scan)/)[^/\s\"']+")


def redact(text: str) -> str:
    return TRACKING_TOKEN.sub(r"\1[token]", text)


class RedactTrackingTokens(logging.Filter):
    """django.request ("Not Found: <path>") and django.server log the path: drop the token."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True
