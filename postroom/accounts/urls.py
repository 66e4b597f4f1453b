from django.urls import path

from postroom.accounts import invitation_views, staff_views, views

urlpatterns = [
    path("app/profile/", views.profile, name="profile"),
    path("app/profile/time-zone/", views.profile_browser_zone, name="profile_browser_zone"),
    path("app/profile/token/", views.api_token_regenerate, name="api_token_regenerate"),
    path("app/workspaces/new/", views.workspace_create, name="workspace_create"),
    path("app/workspaces/switch/", views.workspace_switch, name="workspace_switch"),
    path("app/workspace/", views.workspace_settings, name="workspace_settings"),
    path("app/members/", views.member_list, name="member_list"),
    path("app/members/<int:pk>/role/", views.member_change_role, name="member_change_role"),
    path("app/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("app/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invite/<str:token>/", invitation_views.invitation_accept, name="invitation_accept"),
    path("staff/users/", staff_views.staff_user_list_view, name="staff_user_list"),
    path("staff/users/<int:pk>/block/", staff_views.staff_user_block, name="staff_user_block"),
    path(
        "staff/users/<int:pk>/unblock/", staff_views.staff_user_unblock, name="staff_user_unblock"
    ),
]
