"""The landing page and the signed-in dashboard: the pages that show `reports.dashboard`'s numbers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.blog.selectors import post_random_published
from postroom.reports.dashboard import dashboard_stats, landing_stats


def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; signed-in users go to their dashboard."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    context = {"posts": post_random_published(count=3), "stats": landing_stats()}
    return render(request, "core/home.html", context)


@workspace_view()
def dashboard(request: WorkspaceRequest) -> HttpResponse:
    context = {
        "stats": dashboard_stats(workspace=request.workspace),
        "posts": post_random_published(count=3),
    }
    return render(request, "accounts/dashboard.html", context)
