"""Managing documents: upload (chunked, resumable), versions, restriction, approval."""

from django.urls import path

from documents import views_manage as views

urlpatterns = [
    path("meetings/<int:meeting_id>/uploads/", views.upload_start, name="upload_start"),
    path("uploads/<str:upload_id>/", views.upload_chunk, name="upload"),
    path("uploads/<str:upload_id>/finish/", views.upload_finish, name="upload_finish"),
    path("meetings/<int:meeting_id>/add/", views.add_documents, name="add"),
    path("meetings/<int:meeting_id>/panel/", views.meeting_panel, name="meeting_panel"),
    path("approvals/", views.approvals, name="approvals"),
    path("meetings/<int:meeting_id>/approve/", views.approve_many, name="approve_many"),
    path("<int:document_id>/approve/", views.approve, name="approve"),
    path("<int:document_id>/return/", views.return_document, name="return"),
    path("<int:document_id>/versions/", views.versions, name="versions"),
    path("<int:document_id>/restriction/", views.restriction, name="restriction"),
    path("<int:document_id>/delete/", views.delete, name="delete"),
]
