"""An initiative's deadlines in working days (core.working_days is the calendar).

Municipality-specific norms come from the Municipality row, never from code.
"""

from datetime import date, datetime, timedelta

from core.working_days import add_working_days, local_date, next_working_day_on_or_after


def initiative_due_dates(*, municipality, submitted_at: datetime) -> tuple[date, date]:
    """(first response due, decision due) for an initiative submitted at `submitted_at`.

    First response: the municipality's norm in working days after the day of submission.
    Decision: its term in weeks; a term that ends on a weekend or holiday moves to the next
    working day (Algemene termijnenwet, art. 1).
    """
    submitted_on = local_date(submitted_at)
    first_response = add_working_days(submitted_on, municipality.first_response_working_days)
    decision = next_working_day_on_or_after(submitted_on + timedelta(weeks=municipality.decision_term_weeks))
    return first_response, decision
