"""Every page has an icon: /favicon.ico answers, and pages link the SVG one."""

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_favicon_ico_is_an_icon_on_every_kind_of_page(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_link_the_svg_icon(client):
    html = client.get("/").content.decode()

    assert 'rel="icon" href="/static/favicon.svg"' in html
    assert finders.find("favicon.svg")
