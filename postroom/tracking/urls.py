from django.urls import path

from postroom.tracking import views

urlpatterns = [
    path("t/o/<str:token>/", views.tracking_open, name="tracking_open"),
    path("t/c/<str:token>/", views.tracking_click, name="tracking_click"),
    path("t/w/<str:token>/", views.tracking_web_view, name="tracking_web_view"),
    path("t/snippet.js", views.tracking_snippet, name="tracking_snippet"),
    path("t/b/", views.tracking_beacon, name="tracking_beacon"),
]
