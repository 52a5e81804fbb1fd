"""Files kept for forms that were never sent are deleted after a day (Celery beat)."""

import os
import time
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings as django_settings

from initiatives.models import Initiative
from initiatives.tasks import pending_uploads_purge_hourly
from tests.initiatives.helpers import form_data, pdf
from tests.municipalities.factories import MunicipalityFactory
from tests.villages.factories import VillageFactory

pytestmark = pytest.mark.django_db
URL = "/initiatieven/nieuw/"


def pending_folder(settings) -> Path:
    return Path(settings.MEDIA_ROOT) / "private" / "pending"


def age(path: Path, *, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_abandoned_files_older_than_a_day_are_deleted_and_a_second_run_deletes_nothing(client, settings):
    village = VillageFactory(municipality=MunicipalityFactory())
    response = client.post(URL, form_data(village, title="", attachments=pdf("plan.pdf")))
    key = response.context["kept_uploads"][0]["key"]
    (abandoned,) = pending_folder(settings).iterdir()
    age(abandoned, hours=25)
    fresh = pending_folder(settings) / "fresh.pdf"
    fresh.write_bytes(b"%PDF-1.4")
    age(fresh, hours=23)

    assert pending_uploads_purge_hourly.delay().get() == 1

    assert not abandoned.exists()
    assert fresh.exists()
    assert pending_uploads_purge_hourly.delay().get() == 0
    # The resident who comes back after all still sends the form; only the file is gone.
    response = client.post(URL, form_data(village, keep_upload=[key]))
    assert response.status_code == 302
    assert Initiative.objects.get().attachments.count() == 0


def test_nothing_kept_yet_is_nothing_to_do(settings):
    assert not pending_folder(settings).exists()
    assert pending_uploads_purge_hourly.delay().get() == 0


def test_beat_runs_the_purge():
    entries = [entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()]
    assert "initiatives.pending_uploads_purge" in entries
    assert "initiatives.pending_uploads_purge" in current_app.tasks
