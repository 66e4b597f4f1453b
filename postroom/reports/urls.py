from django.urls import path

from postroom.reports import dashboard_views, views

urlpatterns = [
    path("app/", dashboard_views.dashboard, name="dashboard"),
    path("app/campaigns/<int:pk>/report/", views.campaign_report, name="campaign_report"),
    path(
        "app/campaigns/<int:pk>/report.csv", views.campaign_report_csv, name="campaign_report_csv"
    ),
]
