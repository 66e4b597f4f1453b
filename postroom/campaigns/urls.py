from django.urls import path

from postroom.campaigns import views

urlpatterns = [
    path("app/campaigns/", views.campaign_list, name="campaign_list"),
    path("app/campaigns/new/", views.campaign_edit, name="campaign_create"),
    path("app/campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("app/campaigns/<int:pk>/<str:action>/", views.campaign_action, name="campaign_action"),
    path("staff/campaigns/", views.staff_campaign_list, name="staff_campaign_list"),
    path("staff/campaigns/<int:pk>/", views.staff_campaign_detail, name="staff_campaign_detail"),
    path(
        "staff/campaigns/<int:pk>/toggle/",
        views.staff_campaign_toggle,
        name="staff_campaign_toggle",
    ),
]
