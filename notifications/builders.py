"""Each app says how its mails get their context (and attachments) at send time.

A builder is registered for a template prefix, e.g. ``"initiatives/email/"``. It receives the
OutboxMail row and returns a `Built` with extra context and attachments. Builders run inside
the sending transaction, so a secret they mint (a private link) is rolled back when the mail
fails and is never stored in the outbox.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Built:
    context: dict = field(default_factory=dict)
    # (filename, content, mimetype) as EmailMessage.attach() takes them
    attachments: list[tuple[str, bytes | str, str]] = field(default_factory=list)
    # Where an answer to the mail goes (the Reply-To header), when not to the sender.
    reply_to: list[str] = field(default_factory=list)


_builders: dict[str, Callable] = {}


def register(prefix: str):
    def decorate(function: Callable) -> Callable:
        _builders[prefix] = function
        return function

    return decorate


def build(mail) -> Built:
    for prefix, builder in _builders.items():
        if mail.template.startswith(prefix):
            return builder(mail)
    return Built()
