"""`planner_rows(query)`: PostgreSQL's estimate of a query's rows, as a value in a statement.

`core.pagination.EstimatingPaginator` counts a list exactly up to a limit and shows the
planner's estimate beyond it. The estimate was a statement of its own (`EXPLAIN`), one more
round trip for every long list: the officers' list of a municipality with more than 2,500
initiatives had one query more at 1,000,000 initiatives than at 100,000 (bench/results/scale.md).
With this function the count's statement asks for the estimate itself, and only when the count
reached the limit. `EXPLAIN` without `ANALYZE` plans the query and reads no rows.

Only the paginator calls it, with the SQL the ORM wrote for a list (its values quoted by the
database driver), never with text a person typed. PostgreSQL only: other databases count exactly.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION planner_rows(query text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    IF query !~* '^\\s*SELECT\\s' THEN
        RAISE EXCEPTION 'planner_rows() estimates a SELECT only';
    END IF;
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric::bigint;
END
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS planner_rows(text)")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_extra_holidays")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
