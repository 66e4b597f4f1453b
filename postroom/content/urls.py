from django.urls import path

from postroom.content import views

urlpatterns = [
    path("app/messages/", views.message_list, name="message_list"),
    path("app/messages/new/", views.message_edit, name="message_create"),
    path("app/messages/<int:pk>/", views.message_edit, name="message_edit"),
    path("app/messages/<int:pk>/preview/", views.message_preview_view, name="message_preview"),
    path("app/messages/<int:pk>/recipients/", views.message_recipients, name="message_recipients"),
    path("app/messages/<int:pk>/links/", views.message_links, name="message_links"),
    path("app/library/", views.library, name="content_library"),
    path("app/library/<str:kind>/<int:pk>/", views.library_edit, name="library_edit"),
    path("app/library/<str:kind>/<int:pk>/delete/", views.library_delete, name="library_delete"),
]
