"""/api/: the public open-data API (v1), its OpenAPI schema and documentation."""

from django.urls import path

from api import views_docs, views_public, views_staff

app_name = "api"

urlpatterns = [
    path("schema/", views_docs.SchemaView.as_view(), name="schema"),
    path("docs/", views_docs.DocsView.as_view(), name="docs"),
    path("v1/municipalities/", views_public.MunicipalityList.as_view(), name="municipality_list"),
    path("v1/municipalities/<slug:slug>/", views_public.MunicipalityDetail.as_view(), name="municipality_detail"),
    path("v1/villages/", views_public.VillageList.as_view(), name="village_list"),
    path("v1/funds/", views_public.FundList.as_view(), name="fund_list"),
    path("v1/funds/<int:pk>/", views_public.FundDetail.as_view(), name="fund_detail"),
    path("v1/initiatives/", views_public.InitiativeList.as_view(), name="initiative_list"),
    path("v1/initiatives/<str:reference>/", views_public.InitiativeDetail.as_view(), name="initiative_detail"),
    path("v1/decisions/", views_public.DecisionList.as_view(), name="decision_list"),
    path("v1/statistics/", views_public.StatisticsList.as_view(), name="statistics_list"),
    path("v1/budget-rounds/", views_public.BudgetRoundList.as_view(), name="budget_round_list"),
    path("v1/budget-rounds/<int:pk>/", views_public.BudgetRoundDetail.as_view(), name="budget_round_detail"),
    path("v1/budget-villages/", views_public.BudgetVillageList.as_view(), name="budget_village_list"),
    path("v1/budget-projects/", views_public.BudgetProjectList.as_view(), name="budget_project_list"),
    # The staff API: an API key of one municipality (Authorization: Api-Key <key>).
    path("staff/v1/initiatives/", views_staff.StaffInitiativeList.as_view(), name="staff_initiative_list"),
    path(
        "staff/v1/initiatives/<str:reference>/",
        views_staff.StaffInitiativeDetail.as_view(),
        name="staff_initiative_detail",
    ),
    path(
        "staff/v1/initiatives/<str:reference>/status/",
        views_staff.StaffInitiativeStatus.as_view(),
        name="staff_initiative_status",
    ),
    path(
        "staff/v1/initiatives/<str:reference>/decision/",
        views_staff.StaffInitiativeDecision.as_view(),
        name="staff_initiative_decision",
    ),
]
