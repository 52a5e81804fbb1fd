"""`bulk_set`: many rows, each with its own values, in one statement per batch (UPDATE … FROM VALUES)."""

import pytest

from budgets.models import Project
from core.bulk import bulk_set
from tests.budgets.factories import ProjectFactory, VillageBudgetFactory

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_nothing_else_changes(django_assert_num_queries):
    village_budget = VillageBudgetFactory()
    projects = [ProjectFactory(village_budget=village_budget) for _ in range(4)]
    untouched = ProjectFactory(village_budget=village_budget, votes=7, rank=1)
    for number, project in enumerate(projects):
        project.votes, project.rank, project.is_winner = number * 10, 4 - number, number % 2 == 0
        project.review_reason = "Not written: not in the fields."
    projects[3].votes, projects[3].rank = None, None  # NULL too

    with django_assert_num_queries(1):
        assert bulk_set(projects, ["votes", "is_winner", "rank"]) == 4

    stored = {p.pk: (p.votes, p.rank, p.is_winner, p.review_reason) for p in Project.objects.all()}
    assert stored[projects[0].pk] == (0, 4, True, "Dit kan de gemeente uitvoeren.")
    assert stored[projects[1].pk][:3] == (10, 3, False)
    assert stored[projects[2].pk][:3] == (20, 2, True)
    assert stored[projects[3].pk][:3] == (None, None, False)
    assert stored[untouched.pk][:3] == (7, 1, False)


def test_nothing_to_write():
    assert bulk_set([], ["votes"]) == 0


def test_in_batches_of_what_the_database_takes(monkeypatch, django_assert_num_queries):
    from django.db import connection

    village_budget = VillageBudgetFactory()
    projects = [ProjectFactory(village_budget=village_budget) for _ in range(5)]
    for project in projects:
        project.votes = project.pk
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: 2)
    with django_assert_num_queries(3):
        assert bulk_set(projects, ["votes"]) == 5
    assert {p.pk: p.votes for p in Project.objects.all()} == {p.pk: p.pk for p in projects}
