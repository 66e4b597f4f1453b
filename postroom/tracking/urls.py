from django.urls import path

from postroom.tracking import archive, views

urlpatterns = [
    path("t/o/<str:token>/", views.tracking_open, name="tracking_open"),
    path("t/c/<str:token>/", views.tracking_click, name="tracking_click"),
    path("t/r/<str:token>/", views.tracking_received, name="tracking_received"),
    path("t/w/<str:token>/", views.tracking_web_view, name="tracking_web_view"),
    path("t/snippet.js", views.tracking_snippet, name="tracking_snippet"),
    path("t/b/", views.tracking_beacon, name="tracking_beacon"),
    path("l/<uuid:public_id>/archive/", archive.list_archive, name="list_archive"),
    path(
        "l/<uuid:public_id>/archive/<int:pk>/",
        archive.list_archive_message,
        name="list_archive_message",
    ),
]
