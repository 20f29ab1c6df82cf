from django.urls import path

from recordings import views, views_api

app_name = "recordings"

urlpatterns = [
    path("meetings/<int:meeting_id>/", views.meeting_recordings, name="meeting"),
    path("meetings/<int:meeting_id>/grants/", views.grant, name="grant"),
    path("meetings/<int:meeting_id>/grants/revoke/", views.revoke, name="revoke"),
    path("meetings/<int:meeting_id>/notice/", views_api.acknowledge_notice, name="notice_ack"),
    path("meetings/<int:meeting_id>/start/", views_api.start, name="start"),
    path("meetings/<int:meeting_id>/uploads/", views_api.upload_start, name="upload_start"),
    path("uploads/<str:upload_id>/", views_api.upload_chunk, name="upload"),
    path("uploads/<str:upload_id>/finish/", views_api.upload_finish, name="upload_finish"),
    path("<int:recording_id>/", views.detail, name="detail"),
    path("<int:recording_id>/audio/", views.audio, name="audio"),
    path("<int:recording_id>/download/", views.download, name="download"),
    path("<int:recording_id>/status/", views_api.status, name="status"),
    path("<int:recording_id>/chunks/<int:seq>/", views_api.chunk, name="chunk"),
    path("<int:recording_id>/pause/", views_api.pause, name="pause"),
    path("<int:recording_id>/resume/", views_api.resume, name="resume"),
    path("<int:recording_id>/stop/", views_api.stop, name="stop"),
    path("<int:recording_id>/close/", views_api.close, name="close"),
]
