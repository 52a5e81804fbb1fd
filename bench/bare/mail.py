"""The mail server of the bench's Celery workers: one file per message, so mails can be counted.

Django's file backend names its file after the second and `id(self)`. Two prefork children of
one worker can get the same name in the same second (they are forks of one process, so an object
often lands at the same address in both) and then append to one file at once; a message larger
than the write buffer is written in pieces, so two mails can interleave. Here every message gets
a file of its own (process id and a random part in the name), written in one call, and ends with
Django's separator line: a file without it is a message a killed process did not finish.
"""

import os
import uuid
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend

from core.mail import SEPARATOR  # what Django's file backend writes after each message


class FilePerMessageBackend(EmailBackend):
    def send_messages(self, email_messages):
        folder = Path(self.file_path)
        sent = 0
        for message in email_messages:
            name = folder / f"{os.getpid()}-{uuid.uuid4().hex}.eml"
            with open(name, "wb") as stream:
                stream.write(message.message().as_bytes() + SEPARATOR)
            sent += 1
        return sent
