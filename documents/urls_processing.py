"""Processing state and retry (documents.views_processing); included by documents.urls."""

from django.urls import path

from documents import views_processing

urlpatterns = [
    path("versions/<int:version_id>/status/", views_processing.processing_status, name="processing_status"),
    path("versions/<int:version_id>/retry/", views_processing.retry_processing, name="retry_processing"),
    path("<int:document_id>/thumbnail.png", views_processing.thumbnail, name="thumbnail"),
]
