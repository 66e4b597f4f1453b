import random

from django.db.models import QuerySet
from django.utils import timezone

from postroom.blog.models import Post


def post_published_list() -> QuerySet[Post]:
    return Post.objects.filter(is_published=True, published_at__lte=timezone.now())


def post_random_published(*, count: int = 3) -> list[Post]:
    """`count` random published posts, without sorting the whole table at random."""
    ids = list(post_published_list().values_list("id", flat=True))
    if not ids:
        return []
    chosen = random.sample(ids, min(count, len(ids)))
    return list(Post.objects.filter(id__in=chosen).order_by("?"))
