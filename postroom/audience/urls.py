from django.urls import path

from postroom.audience.views import imports, lists, public, segments, settings_pages, subscribers

urlpatterns = [
    path("app/subscribers/", subscribers.subscriber_list, name="subscriber_list"),
    path("app/subscribers/new/", subscribers.subscriber_create, name="subscriber_create"),
    path("app/subscribers/bulk/", subscribers.subscriber_bulk, name="subscriber_bulk"),
    path("app/subscribers/export/", subscribers.subscriber_export, name="subscriber_export"),
    path("app/subscribers/<int:pk>/", subscribers.subscriber_detail, name="subscriber_detail"),
    path(
        "app/subscribers/<int:pk>/subscription/",
        subscribers.subscriber_subscription,
        name="subscriber_subscription",
    ),
    path(
        "app/subscribers/<int:pk>/delete/", subscribers.subscriber_delete, name="subscriber_delete"
    ),
    path("app/lists/", lists.list_index, name="list_index"),
    path("app/lists/<int:pk>/", lists.list_detail, name="list_detail"),
    path("app/lists/<int:pk>/delete/", lists.list_delete, name="list_delete"),
    path("app/segments/", segments.segment_index, name="segment_index"),
    path("app/segments/new/", segments.segment_edit, name="segment_create"),
    path("app/segments/preview/", segments.segment_preview, name="segment_preview"),
    path("app/segments/<int:pk>/", segments.segment_edit, name="segment_edit"),
    path("app/segments/<int:pk>/delete/", segments.segment_delete, name="segment_delete"),
    path("app/fields/", settings_pages.field_index, name="field_index"),
    path("app/fields/<int:pk>/", settings_pages.field_edit, name="field_edit"),
    path("app/fields/<int:pk>/delete/", settings_pages.field_delete, name="field_delete"),
    path(
        "app/fields/<int:pk>/index/", settings_pages.field_index_toggle, name="field_index_toggle"
    ),
    path("app/suppressions/", settings_pages.suppression_index, name="suppression_index"),
    path(
        "app/suppressions/<int:pk>/delete/",
        settings_pages.suppression_delete,
        name="suppression_delete",
    ),
    path("app/imports/", imports.import_index, name="import_index"),
    path("app/imports/upload/", imports.import_upload, name="import_upload"),
    path("app/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("app/imports/<int:pk>/report.csv", imports.import_issues_csv, name="import_issues_csv"),
    path("l/<uuid:public_id>/", public.public_list, name="public_list"),
    path("l/confirm/<str:token>/", public.public_confirm_view, name="public_confirm"),
    path("p/<str:token>/", public.public_preferences, name="public_preferences"),
    path("u/<str:token>/", public.public_unsubscribe, name="public_unsubscribe"),
]
