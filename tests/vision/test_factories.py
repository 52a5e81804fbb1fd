"""The state Traits of tests/vision/factories.py make rows that pass model validation."""

import pytest

from vision.constants import StageStatus, TrajectoryStatus, VisionStatus

from .factories import ActionItemFactory, ScanFactory, TrajectoryFactory, TrajectoryStageFactory, VisionVersionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "trait", "field", "value"),
    [
        (TrajectoryFactory, "planned", "status", TrajectoryStatus.PLANNED),
        (TrajectoryFactory, "completed", "status", TrajectoryStatus.COMPLETED),
        (TrajectoryFactory, "stopped", "status", TrajectoryStatus.STOPPED),
        (TrajectoryStageFactory, "in_progress", "status", StageStatus.IN_PROGRESS),
        (TrajectoryStageFactory, "completed", "status", StageStatus.COMPLETED),
        (VisionVersionFactory, "consultation", "status", VisionStatus.CONSULTATION),
        (VisionVersionFactory, "adopted", "status", VisionStatus.ADOPTED),
    ],
)
def test_state_traits(factory, trait, field, value):
    obj = factory(**{trait: True})

    obj.full_clean()
    assert getattr(obj, field) == value


def test_closed_scan_closes_after_it_opened():
    scan = ScanFactory(closed=True)

    assert scan.closed_on > scan.opened_on


def test_done_action_item_has_a_done_time():
    assert ActionItemFactory(done=True).done_at is not None
    assert ActionItemFactory().done_at is None
