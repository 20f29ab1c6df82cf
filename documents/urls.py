"""Document URLs, in the "documents" namespace. Each part of the app keeps its own module."""

from django.urls import include, path

app_name = "documents"
urlpatterns: list = [
    # parts: one include per module (manage, viewer, ...)
    path("", include("documents.urls_processing")),
    path("", include("documents.urls_viewer")),
    path("", include("documents.urls_manage")),
]
_ = (include, path)
