from django.urls import path

from postroom.delivery import testsend_views, views

urlpatterns = [
    path("app/settings/relays/", views.relay_index, name="relay_index"),
    path("app/settings/relays/new/", views.relay_edit, name="relay_create"),
    path("app/settings/relays/<int:pk>/", views.relay_edit, name="relay_edit"),
    path("app/settings/relays/<int:pk>/delete/", views.relay_delete, name="relay_delete"),
    path("app/settings/relays/<int:pk>/poll/", views.relay_poll, name="relay_poll"),
    path(
        "app/messages/<int:pk>/test/",
        testsend_views.message_test_send_view,
        name="message_test_send",
    ),
    path("app/sandbox/", views.sandbox_index, name="sandbox_index"),
    path("app/sandbox/<int:pk>/", views.sandbox_detail, name="sandbox_detail"),
    # The campaign's page shows its outbox live, so it is served from here.
    path("app/campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path(
        "app/campaigns/<int:pk>/progress/",
        views.campaign_progress_panel,
        name="campaign_progress",
    ),
    path(
        "app/campaigns/<int:pk>/deliveries/",
        views.campaign_deliveries,
        name="campaign_deliveries",
    ),
]
