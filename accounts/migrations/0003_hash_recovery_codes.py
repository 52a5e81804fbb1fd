"""Recovery codes are stored as hashes (accounts.mfa.recovery_code_hash): hash the plain ones."""

import hashlib

from django.db import migrations

HASH_LENGTH = 16


def _hash(code: str) -> str:  # accounts.mfa.recovery_code_hash as it was when this was written
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(f"recovery-code:{normal}".encode()).hexdigest()[:HASH_LENGTH]


def _is_hash(value: str) -> bool:
    return len(value) == HASH_LENGTH and all(ch in "0123456789abcdef" for ch in value)


def hash_plain_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.using(schema_editor.connection.alias).iterator():
        if not _is_hash(token.token):
            token.token = _hash(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_enrolment_link"),
        ("otp_static", "0003_add_timestamps"),
    ]

    # Hashes cannot be turned back into codes: going back leaves them as they are.
    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
