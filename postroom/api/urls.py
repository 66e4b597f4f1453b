from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from postroom.accounts import apis as accounts_apis
from postroom.api.errors import not_found

router = DefaultRouter(trailing_slash=True)
router.register("workspaces", accounts_apis.WorkspaceApi, basename="workspace")
router.register("members", accounts_apis.MemberApi, basename="member")
router.register("invitations", accounts_apis.InvitationApi, basename="invitation")

urlpatterns = [
    path("auth/token/", accounts_apis.TokenObtainApi.as_view(), name="api_token"),
    path("me/", accounts_apis.MeApi.as_view(), name="api_me"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include(router.urls)),
    re_path(r"^.*$", not_found, name="api_not_found"),
]
