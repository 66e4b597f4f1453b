from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from postroom.core.models import TimeStampedModel


class Post(TimeStampedModel):
    """A promotional blog post, written by content managers in the admin."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    body = models.TextField(_("body (Markdown)"))
    image = models.ImageField(_("image"), upload_to="blog/%Y/%m/", blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ("-published_at", "-id")
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["is_published", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("blog_detail", args=[self.slug])
