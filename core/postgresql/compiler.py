"""Django's PostgreSQL compilers; a bulk insert of a few rows is written as VALUES again.

Since Django 5.2 `bulk_create` of two or more rows on PostgreSQL sends every column as one array
(``INSERT … SELECT * FROM UNNEST(%s::varchar[], …)``), so that the server plans one short
statement however many rows there are. With psycopg's client-side parameters (Django's default)
each array is adapted and quoted in Python first, a fixed cost per column: two outbox rows cost
0.61 ms of CPU as UNNEST against 0.35 ms as VALUES; the two ways cost the same at about ten rows,
and beyond that UNNEST is cheaper (50 rows: 3.0 against 4.6 ms). A public submission writes its
receipt and officer mails and its theme links two at a time (bench/results/server.md), so below
UNNEST_FROM_ROWS rows the statement is Django's plain VALUES list. Same rows, same order, same
RETURNING; only the statement's text differs.
"""

from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as PostgresInsertCompiler
from django.db.models.sql.compiler import SQLInsertCompiler as BaseInsertCompiler

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]

# From this many rows on, Django's UNNEST (measured in process with django.test.Client's
# database connection: the CPU of one bulk_create of outbox rows, the two ways cross at 10).
UNNEST_FROM_ROWS = 10


class SQLInsertCompiler(PostgresInsertCompiler):
    def assemble_as_sql(self, fields, value_rows):
        if len(value_rows) < UNNEST_FROM_ROWS:
            return BaseInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
