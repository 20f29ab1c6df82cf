from django.urls import path

from minutes import views

app_name = "minutes"

MINUTES, NOTICE = {"kind": "minutes"}, {"kind": "notice"}

urlpatterns = [
    path("notices/", views.unit_notices, name="unit_notices"),
    path("<int:meeting_id>/", views.minutes_page, name="detail"),
    path("<int:meeting_id>/generate/", views.generate_minutes, name="generate"),
    path("<int:meeting_id>/edit/", views.edit_minutes, name="edit"),
    path("<int:meeting_id>/approve/", views.approve, MINUTES, name="approve"),
    path("<int:meeting_id>/diff/", views.document_diff, MINUTES, name="diff"),
    path("<int:meeting_id>/minutes.docx", views.document_export, {**MINUTES, "what": "docx"}, name="docx"),
    path("<int:meeting_id>/minutes.pdf", views.document_export, {**MINUTES, "what": "pdf"}, name="pdf"),
    path("<int:meeting_id>/sign.pdf", views.sign_pdf, MINUTES, name="sign_pdf"),
    path("<int:meeting_id>/sign/upload/", views.sign_upload, MINUTES, name="sign_upload"),
    path("<int:meeting_id>/sign/remote/", views.sign_remote, MINUTES, name="sign_remote"),
    path("<int:meeting_id>/signed.pdf", views.signed_pdf, MINUTES, name="signed_pdf"),
    path("<int:meeting_id>/notice/", views.notice_page, name="notice"),
    path("<int:meeting_id>/notice/draft/", views.draft_notice, name="notice_draft"),
    path("<int:meeting_id>/notice/edit/", views.edit_notice, name="notice_edit"),
    path("<int:meeting_id>/notice/approve/", views.approve, NOTICE, name="notice_approve"),
    path("<int:meeting_id>/notice/issue/", views.issue_notice, name="notice_issue"),
    path("<int:meeting_id>/notice/diff/", views.document_diff, NOTICE, name="notice_diff"),
    path("<int:meeting_id>/notice/notice.docx", views.document_export, {**NOTICE, "what": "docx"}, name="notice_docx"),
    path("<int:meeting_id>/notice/notice.pdf", views.document_export, {**NOTICE, "what": "pdf"}, name="notice_pdf"),
    path("<int:meeting_id>/notice/sign.pdf", views.sign_pdf, NOTICE, name="notice_sign_pdf"),
    path("<int:meeting_id>/notice/sign/upload/", views.sign_upload, NOTICE, name="notice_sign_upload"),
    path("<int:meeting_id>/notice/sign/remote/", views.sign_remote, NOTICE, name="notice_sign_remote"),
    path("<int:meeting_id>/notice/signed.pdf", views.signed_pdf, NOTICE, name="notice_signed_pdf"),
]
