import threading

import pytest
from django.db import connection, connections

from initiatives.models import ReferenceSequence
from initiatives.services.submission import reference_next


@pytest.mark.django_db
class TestReferenceNext:
    def test_numbers_count_up_per_year_with_four_digits(self):
        assert reference_next(year=2026) == "2026-0001"
        assert reference_next(year=2026) == "2026-0002"
        assert reference_next(year=2027) == "2027-0001"
        assert ReferenceSequence.objects.get(year=2026).last_number == 2

    def test_more_than_9999_keeps_growing(self):
        ReferenceSequence.objects.create(year=2026, last_number=9999)
        assert reference_next(year=2026) == "2026-10000"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs this on it")
def test_concurrent_references_are_unique():
    results, errors = [], []
    barrier = threading.Barrier(8)

    def take():
        try:
            barrier.wait()
            for _ in range(5):
                results.append(reference_next(year=2030))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 40
    assert len(set(results)) == 40
    assert sorted(results) == [f"2030-{n:04d}" for n in range(1, 41)]
