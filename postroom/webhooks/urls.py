from django.urls import path

from postroom.webhooks import views

urlpatterns = [
    path("app/settings/webhooks/", views.webhook_index, name="webhook_index"),
    path("app/settings/webhooks/new/", views.webhook_edit, name="webhook_create"),
    path("app/settings/webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("app/settings/webhooks/<int:pk>/edit/", views.webhook_edit, name="webhook_edit"),
    path("app/settings/webhooks/<int:pk>/secret/", views.webhook_secret, name="webhook_secret"),
    path("app/settings/webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
    path("app/settings/webhooks/<int:pk>/enable/", views.webhook_enable, name="webhook_enable"),
    path("app/settings/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
]
