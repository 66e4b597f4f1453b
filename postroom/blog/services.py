import re

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from postroom.blog.models import Post

# Crawlers, link previews and monitoring: their hits are not readers.
_BOT = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|monitor|curl|wget|python-requests|httpx|headless"
    r"|facebookexternalhit|embedly|lighthouse|pingdom",
    re.IGNORECASE,
)


def user_agent_is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(_BOT.search(user_agent))


def post_view_record(*, post: Post, user_agent: str) -> bool:
    """Count one view of `post` unless the visitor is a bot; atomic under concurrency."""
    if user_agent_is_bot(user_agent):
        return False
    Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 1)
    return True


@transaction.atomic
def post_publish(*, posts: QuerySet[Post]) -> int:
    """Publish `posts`; those without a publication date are dated now."""
    posts.filter(published_at__isnull=True).update(published_at=timezone.now())
    return posts.update(is_published=True)


def post_unpublish(*, posts: QuerySet[Post]) -> int:
    return posts.update(is_published=False)
