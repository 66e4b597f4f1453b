from django.urls import path

from postroom.push import demo_views, public_views, views

urlpatterns = [
    path("push/snippet.js", public_views.push_snippet, name="push_snippet"),
    path("push/sw.js", public_views.push_service_worker, name="push_service_worker"),
    path(
        "push/sandbox/<str:token>", demo_views.push_sandbox_endpoint, name="push_sandbox_endpoint"
    ),
    path("app/push/demo/", demo_views.push_demo, name="push_demo"),
    path("app/push/demo/subscribe/", demo_views.push_demo_subscribe, name="push_demo_subscribe"),
    path("app/push/demo/inbox/", demo_views.push_demo_inbox, name="push_demo_inbox"),
    path("app/push/devices/", views.device_index, name="push_device_index"),
    path("app/push/devices/<int:pk>/delete/", views.device_delete, name="push_device_delete"),
    path("app/push/creatives/", views.creative_index, name="push_creative_index"),
    path("app/push/creatives/new/", views.creative_edit, name="push_creative_create"),
    path("app/push/creatives/preview/", views.creative_preview, name="push_creative_preview"),
    path("app/push/creatives/<int:pk>/", views.creative_edit, name="push_creative_edit"),
    path("app/push/creatives/<int:pk>/delete/", views.creative_delete, name="push_creative_delete"),
    path("app/push/providers/", views.provider_index, name="push_provider_index"),
    path("app/push/providers/keys/", views.key_create, name="push_key_create"),
    path("app/push/providers/keys/<int:pk>/revoke/", views.key_revoke, name="push_key_revoke"),
    path("app/push/providers/<str:kind>/", views.provider_edit, name="push_provider_edit"),
    path(
        "app/push/providers/<str:kind>/delete/", views.provider_delete, name="push_provider_delete"
    ),
]
