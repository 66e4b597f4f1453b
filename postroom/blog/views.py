from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from postroom.blog.markdown import markdown_render
from postroom.blog.models import Post
from postroom.blog.selectors import post_published_list
from postroom.blog.services import post_view_record


def blog_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(post_published_list(), 10).get_page(request.GET.get("page"))
    return render(request, "blog/post_list.html", {"page": page})


def blog_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Content managers preview drafts through the admin's "View on site" link.
    previewing = request.user.has_perm("blog.view_post")
    post = get_object_or_404(Post, slug=slug)
    if not previewing and not post_published_list().filter(pk=post.pk).exists():
        raise Http404
    if not previewing:
        post_view_record(post=post, user_agent=request.headers.get("User-Agent", ""))
    return render(
        request,
        "blog/post_detail.html",
        {"post": post, "body_html": markdown_render(post.body), "previewing": previewing},
    )
