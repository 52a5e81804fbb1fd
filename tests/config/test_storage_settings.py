"""Object storage (README "Object storage"): AWS_STORAGE_BUCKET_NAME switches every private file to
an S3-compatible bucket; without it the files stay on the disk. The settings are read in a fresh
process, as a server reads them at start."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_STORAGE = "import json; from config.settings import base; print(json.dumps(base.STORAGES['default']))"
S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "gemeente-bestanden",
    "AWS_S3_ENDPOINT_URL": "http://minio:9000",
    "AWS_S3_REGION_NAME": "eu-central-1",
    "AWS_S3_ACCESS_KEY_ID": "key-id",
    "AWS_S3_SECRET_ACCESS_KEY": "secret",
    "AWS_S3_ADDRESSING_STYLE": "path",
    "AWS_LOCATION": "dorpsinitiatief",
}


def storage_with(env: dict) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PRINT_STORAGE],
        env={**clean, "SECRET_KEY": "x", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_bucket_the_files_stay_on_the_disk():
    assert storage_with({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_puts_the_files_in_private_object_storage():
    storage = storage_with(S3_ENV)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert {key: options[key] for key in ("bucket_name", "endpoint_url", "region_name", "addressing_style")} == {
        "bucket_name": "gemeente-bestanden",
        "endpoint_url": "http://minio:9000",
        "region_name": "eu-central-1",
        "addressing_style": "path",
    }
    assert (options["access_key"], options["secret_key"], options["location"]) == (
        "key-id",
        "secret",
        "dorpsinitiatief",
    )
    # Private: no public-read ACL, never a plain unsigned URL, and no overwriting a file in use.
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] <= 60
    assert options["file_overwrite"] is False


def test_a_bucket_alone_leaves_the_rest_to_boto3():
    options = storage_with({"AWS_STORAGE_BUCKET_NAME": "b"})["OPTIONS"]
    assert [options[key] for key in ("endpoint_url", "region_name", "access_key", "secret_key")] == [None] * 4


def test_the_s3_backend_is_installed_from_the_runtime_lock():
    from storages.backends.s3 import S3Storage  # noqa: F401 - django-storages with boto3

    base = (settings.BASE_DIR / "requirements" / "base.txt").read_text()
    assert "django-storages==" in base and "boto3==" in base
