"""URLs of the meeting room under /live/ (namespace "live"), one module per part."""

from django.urls import include, path

from live import urls_contrib, urls_room, urls_speaking, urls_voting

app_name = "live"

urlpatterns = [
    path("", include(urls_room)),
    path("", include(urls_speaking)),
    path("", include(urls_contrib)),
    path("", include(urls_voting)),
]
