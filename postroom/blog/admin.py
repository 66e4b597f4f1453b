from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from postroom.blog.models import Post
from postroom.blog.services import post_publish, post_unpublish


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "is_published", "published_at", "view_count", "preview_link")
    list_filter = ("is_published", ("published_at", admin.DateFieldListFilter))
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    readonly_fields = ("view_count", "created_at", "updated_at")
    fields = ("title", "slug", "body", "image", "is_published", "published_at", "view_count")
    actions = ("publish", "unpublish")

    @admin.display(description=_("Preview"))
    def preview_link(self, post: Post) -> str:
        return format_html(
            '<a href="{}" target="_blank">{}</a>', post.get_absolute_url(), _("Preview")
        )

    @admin.action(description=_("Publish selected posts"))
    def publish(self, request: object, queryset: object) -> None:
        post_publish(posts=queryset)  # type: ignore[arg-type]

    @admin.action(description=_("Unpublish selected posts"))
    def unpublish(self, request: object, queryset: object) -> None:
        post_unpublish(posts=queryset)  # type: ignore[arg-type]
