from postroom.blog.markdown import markdown_render


def test_it_renders_markdown():
    assert "<strong>bold</strong>" in markdown_render("**bold**")


def test_it_strips_scripts_and_event_handlers():
    html = markdown_render('<script>alert(1)</script><img src="x.png" onerror="alert(1)">')

    assert "<script" not in html
    assert "onerror" not in html


def test_it_drops_javascript_links():
    html = markdown_render("[click](javascript:alert(1))")

    assert "javascript:" not in html


def test_links_get_rel_noopener():
    assert 'rel="noopener noreferrer nofollow"' in markdown_render("[x](https://example.com)")
