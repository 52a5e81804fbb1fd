"""core.postgresql: a bulk insert of a few rows is a VALUES list, of many rows Django's UNNEST;
the same rows either way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.postgresql.compiler import UNNEST_FROM_ROWS
from notifications.constants import OutboxStatus
from notifications.models import OutboxMail

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend is PostgreSQL's; CI runs this on it"),
]


def mails(count, key):
    return [
        OutboxMail(to=f"resident{n}@example.org", template="t", dedup_key=f"{key}:{n}", context={"n": n, "naam": "Zoë"})
        for n in range(count)
    ]


@pytest.mark.parametrize(("count", "unnest"), [(2, False), (UNNEST_FROM_ROWS - 1, False), (UNNEST_FROM_ROWS, True)])
def test_rows_are_stored_as_given_with_their_ids(count, unnest):
    rows = mails(count, f"rows-{count}")
    with CaptureQueriesContext(connection) as queries:
        OutboxMail.objects.bulk_create(rows)

    (insert,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert ("UNNEST" in insert) is unnest
    assert all(row.pk for row in rows)
    stored = list(OutboxMail.objects.filter(pk__in=[row.pk for row in rows]).order_by("pk"))
    assert [(m.to, m.dedup_key, m.context, m.status) for m in stored] == [
        (f"resident{n}@example.org", f"rows-{count}:{n}", {"n": n, "naam": "Zoë"}, OutboxStatus.PENDING)
        for n in range(count)
    ]
    assert [m.pk for m in stored] == [row.pk for row in rows]


def test_the_backend_is_djangos_with_our_compiler():
    assert connection.vendor == "postgresql"
    assert connection.ops.compiler("SQLInsertCompiler").__module__ == "core.postgresql.compiler"
