"""Choice lists kept in the process under a digest of their rows (PostgreSQL).

The officers' list offers up to 1,000 villages, 200 officers and 150 funds in its filters.
Reading them took four queries per request and building and writing their options a good part
of the page's Python time (bench/results/triage_list_profile.md). A list is kept here under the
md5 of its rows as the database returns them:

- a page asks for the digests of its lists in a statement it makes anyway (`digest_sql`: the
  dashboard adds them to its counters statement), and takes a kept list whose digest matches;
- a list that is not kept is read together with the digest of the same rows, in one statement
  (`rows_with_digest`), and kept under that digest.

A kept list is therefore always exactly the rows of its digest: nothing to invalidate, nothing
a write can make stale (a changed village name gives another digest), and every process may
keep its own. Other databases have no digest: there the lists are read on every request.
"""

import hashlib

from django.db import connections

# Digests of lists nobody asks for any more stay until this many are kept; then all go.
MAX_KEPT = 500
_KEPT: dict[tuple, object] = {}

# The digest of no rows: string_agg of nothing is NULL, COALESCE makes it ''.
EMPTY_DIGEST = hashlib.md5(b"", usedforsecurity=False).hexdigest()


def digests_supported(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _sql(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def digest_sql(queryset) -> tuple[str, tuple]:
    """A scalar subquery (SQL, parameters): the md5 of `queryset`'s rows, each row as PostgreSQL
    writes it as text (every column, quoted where needed), in the queryset's order."""
    sql, params = _sql(queryset)
    # The ORM's own SQL with its parameters: nothing typed goes in.
    return f"(SELECT md5(COALESCE(string_agg(kept::text, E'\\n'), '')) FROM ({sql}) kept)", params  # noqa: S608


def rows_with_digest(queryset) -> tuple[list[tuple], str]:
    """`queryset`'s rows (tuples, as `values_list`) and their digest (`digest_sql`), from one
    statement: the rows and the digest come from the same snapshot."""
    sql, params = _sql(queryset)
    connection = connections[queryset.db]
    statement = f"SELECT md5(string_agg(kept::text, E'\\n') OVER ()), kept.* FROM ({sql}) kept"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        fetched = cursor.fetchall()
    if not fetched:
        return [], EMPTY_DIGEST
    return [tuple(row[1:]) for row in fetched], fetched[0][0]


def kept(name: str, queryset, digest: str | None, build):
    """`build(rows)` of `queryset`'s rows (a `values_list` queryset, or a function that makes it:
    then it is made only when the list is not kept), kept under their digest.

    `name` says what `build` makes, with whatever else it depends on (the language, the user's
    role). `digest`: the rows' digest as the page read it (`digest_sql`), or None when it has
    none: then the rows are read and built, and kept for a page that has one.
    """
    if digest is not None:
        found = _KEPT.get((name, digest))
        if found is not None:
            return found
    if callable(queryset):
        queryset = queryset()
    if not digests_supported(queryset):
        return build(list(queryset))
    rows, read_digest = rows_with_digest(queryset)
    value = build(rows)
    if len(_KEPT) >= MAX_KEPT:
        _KEPT.clear()
    _KEPT[(name, read_digest)] = value
    return value


def forget_all() -> None:
    """Empty the kept lists (tests)."""
    _KEPT.clear()
