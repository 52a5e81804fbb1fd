"""Budget rounds: the residents' pages (round, ballot, confirmation link, results) and the
officers' pages under the dashboard."""

from django.urls import path

from budgets.views import public, staff

app_name = "budgets"

round_page = "begroten/<int:pk>"
staff_round = "dashboard/begroten/<int:pk>"

urlpatterns = [
    path(f"{round_page}/", public.RoundPublicView.as_view(), name="round_public"),
    path(f"{round_page}/<int:village>/stemmen/", public.BallotView.as_view(), name="ballot"),
    path(f"{round_page}/<int:village>/verstuurd/", public.BallotSentView.as_view(), name="ballot_sent"),
    path(f"{round_page}/<int:village>/uitslag/", public.ResultsView.as_view(), name="results"),
    path("begroten/stem/<str:token>/", public.BallotLinkView.as_view(), name="ballot_link"),
    path("dashboard/begroten/", staff.RoundListView.as_view(), name="round_list"),
    path(f"{staff_round}/", staff.RoundDetailView.as_view(), name="round_detail"),
    path(f"{staff_round}/ideeen-ophalen/", staff.CollectIdeasView.as_view(), name="collect_ideas"),
    path(f"{staff_round}/uitslag-berekenen/", staff.ComputeResultsView.as_view(), name="compute_results"),
    path(f"{staff_round}/ideeen/<int:project>/", staff.ProjectReviewView.as_view(), name="project_review"),
    path(f"{staff_round}/<int:village>/codes/", staff.PaperCodesView.as_view(), name="paper_codes"),
    path(f"{staff_round}/<int:village>/papier/", staff.PaperBallotView.as_view(), name="paper_ballot"),
    path(f"{staff_round}/stemmen/", staff.BallotListView.as_view(), name="ballot_list"),
    path(f"{staff_round}/stemmen/<int:ballot>/ongeldig/", staff.BallotVoidView.as_view(), name="ballot_void"),
]
