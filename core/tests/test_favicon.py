"""Every page links the eCabinet icon, and /favicon.ico (which browsers ask for anyway) answers."""

from __future__ import annotations

import re

import pytest
from django.test import Client


@pytest.mark.django_db
def test_favicon_ico_is_served_at_the_site_root(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert response.getvalue()[:4] == b"\x00\x00\x01\x00"  # an ICO header


@pytest.mark.django_db
def test_every_page_links_icons_that_exist(client: Client) -> None:
    page = client.get("/auth/login/").content.decode()
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page)
    assert len(icons) == 3 and any(href.endswith(".svg") for href in icons)
    for href in icons:
        response = client.get(href)
        assert response.status_code == 200, href
        assert response["Content-Type"].startswith("image/"), href
