"""Reading documents (included by documents/urls.py, namespace "documents")."""

from django.urls import path

from documents import views_viewer as views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("<int:document_id>/", views.document_view, name="view"),
    path("<int:document_id>/pages/<int:number>.png", views.page_image, name="page_image"),
    path("<int:document_id>/pages/<int:number>/seen/", views.page_seen, name="page_seen"),
    path("<int:document_id>/pdf/", views.pdf_inline, name="pdf"),
    path("<int:document_id>/download/", views.download, name="download"),
    path("<int:document_id>/receipts/", views.receipts, name="receipts"),
    path("<int:document_id>/notes/", views.note_create, name="notes"),
    path("notes/<int:note_id>/", views.note_detail, name="note"),
]
