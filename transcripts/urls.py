from django.urls import path

from transcripts import views

app_name = "transcripts"

urlpatterns = [
    path("<int:recording_id>/", views.transcript_page, name="page"),
    path("<int:recording_id>/body/", views.transcript_body, name="body"),
    path("<int:recording_id>/retry/", views.retry, name="retry"),
    path("<int:recording_id>/export.docx", views.export_docx, name="export_docx"),
    path("<int:recording_id>/export.srt", views.export_srt, name="export_srt"),
    # The segment is named by the query (GET) or the form (POST): ?segment=<id>.
    path("<int:recording_id>/segment/", views.segment_row, name="segment"),
    path("<int:recording_id>/correct/", views.correct_segment, name="correct"),
]
