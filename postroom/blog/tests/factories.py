from datetime import timedelta

import factory
from django.utils import timezone

from postroom.blog.models import Post


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-{n}")
    body = "Some **bold** words."
    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
