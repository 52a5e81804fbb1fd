"""Files kept for forms that were never sent are deleted after a day (Celery beat)."""

import time
from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from initiatives.models import Initiative
from initiatives.pending_uploads import MAX_AGE, PENDING_DIR, pending_uploads_purge
from initiatives.tasks import pending_uploads_purge_hourly
from tests.initiatives.helpers import form_data, pdf
from tests.municipalities.factories import MunicipalityFactory
from tests.villages.factories import VillageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.s3]
URL = "/initiatieven/nieuw/"


def pending_files() -> list[str]:
    """The kept files, through the storage (the disk, or the bucket in the S3 run)."""
    try:
        return [f"{PENDING_DIR}/{name}" for name in default_storage.listdir(PENDING_DIR)[1]]
    except FileNotFoundError:
        return []


def test_abandoned_files_older_than_a_day_are_deleted_and_a_second_run_deletes_nothing(client):
    village = VillageFactory(municipality=MunicipalityFactory())
    response = client.post(URL, form_data(village, title="", attachments=pdf("plan.pdf")))
    key = response.context["kept_uploads"][0]["key"]
    (abandoned,) = pending_files()
    time.sleep(1.1)  # an object store keeps the time of a file to the second
    fresh = default_storage.save(f"{PENDING_DIR}/fresh.pdf", ContentFile(b"%PDF-1.4"))
    # A day after the fresh file came, less half a second: the abandoned one is older than a day.
    later = default_storage.get_modified_time(fresh) + MAX_AGE - timedelta(seconds=0.5)

    assert pending_uploads_purge(now=later) == 1

    assert not default_storage.exists(abandoned)
    assert default_storage.exists(fresh)
    assert pending_uploads_purge(now=later) == 0
    assert pending_uploads_purge_hourly.delay().get() == 0  # the hourly task: nothing is a day old
    # The resident who comes back after all still sends the form; only the file is gone.
    response = client.post(URL, form_data(village, keep_upload=[key]))
    assert response.status_code == 302
    assert Initiative.objects.get().attachments.count() == 0


def test_nothing_kept_yet_is_nothing_to_do():
    assert pending_files() == []
    assert pending_uploads_purge_hourly.delay().get() == 0


def test_beat_runs_the_purge():
    entries = [entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()]
    assert "initiatives.pending_uploads_purge" in entries
    assert "initiatives.pending_uploads_purge" in current_app.tasks
