from django import template

from postroom.blog.markdown import markdown_excerpt

register = template.Library()


@register.filter
def excerpt(text: str, words: int = 30) -> str:
    """`{{ post.body|excerpt }}`: Markdown shown as the plain text a reader sees."""
    return markdown_excerpt(text, words=words)
