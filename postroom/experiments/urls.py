from django.urls import path

from postroom.experiments import views

urlpatterns = [
    path("app/campaigns/<int:pk>/experiment/", views.experiment_detail, name="experiment_detail"),
    path("app/campaigns/<int:pk>/experiment/edit/", views.experiment_edit, name="experiment_edit"),
    path(
        "app/campaigns/<int:pk>/experiment/delete/",
        views.experiment_delete,
        name="experiment_delete",
    ),
    path("app/campaigns/<int:pk>/experiment/pick/", views.experiment_pick, name="experiment_pick"),
]
