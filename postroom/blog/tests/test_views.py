from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from postroom.accounts.tests.factories import UserFactory
from postroom.blog.models import Post
from postroom.blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130 Safari/537.36"


def test_the_list_shows_published_posts_only(client):
    PostFactory(title="Visible")
    PostFactory(title="Draft", is_published=False)
    PostFactory(title="Scheduled", published_at=timezone.now() + timedelta(days=2))

    content = client.get("/blog/").content

    assert b"Visible" in content
    assert b"Draft" not in content
    assert b"Scheduled" not in content


def test_a_draft_is_hidden_from_visitors(client):
    post = PostFactory(is_published=False)

    assert client.get(post.get_absolute_url()).status_code == 404


def test_a_content_manager_previews_a_draft_without_counting_a_view(client):
    post = PostFactory(is_published=False)
    writer = UserFactory()
    writer.groups.add(Group.objects.get(name="Content manager"))
    client.force_login(writer)

    response = client.get(post.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 200
    assert b"Preview" in response.content
    post.refresh_from_db()
    assert post.view_count == 0


def test_a_reader_view_is_counted(client):
    post = PostFactory()

    client.get(post.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    client.get(post.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    post.refresh_from_db()
    assert post.view_count == 2


@pytest.mark.parametrize(
    "agent",
    ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.0", "", "facebookexternalhit/1.1"],
)
def test_bots_are_not_counted(client, agent):
    post = PostFactory()

    client.get(post.get_absolute_url(), HTTP_USER_AGENT=agent)

    post.refresh_from_db()
    assert post.view_count == 0


def test_the_body_is_rendered_and_sanitized(client):
    post = PostFactory(body="Hello **there** <script>alert(1)</script>")

    content = client.get(post.get_absolute_url(), HTTP_USER_AGENT=BROWSER).content

    assert b"<strong>there</strong>" in content
    assert b"<script>alert" not in content


def test_the_landing_page_shows_three_random_published_posts(client):
    PostFactory.create_batch(5)
    PostFactory(title="Hidden draft", is_published=False)

    response = client.get("/")

    assert response.status_code == 200
    assert len(response.context["posts"]) == 3
    assert all(p.is_published for p in response.context["posts"])
    assert b"Hidden draft" not in response.content


def test_the_landing_page_is_fine_without_posts(client):
    assert client.get("/").status_code == 200


def test_publishing_from_the_admin_dates_undated_posts(client):
    post = PostFactory(is_published=False, published_at=None)
    writer = UserFactory()
    writer.groups.add(Group.objects.get(name="Content manager"))
    client.force_login(writer)

    client.post("/admin/blog/post/", {"action": "publish", "_selected_action": [post.pk]})

    post = Post.objects.get(pk=post.pk)
    assert post.is_published and post.published_at is not None
