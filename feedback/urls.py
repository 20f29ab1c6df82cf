"""Feedback under /feedback/ ("Góp ý, phản ánh")."""

from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("inbox/", views.inbox, name="inbox"),
    path("<int:feedback_id>/", views.detail, name="detail"),
    path("<int:feedback_id>/answer/", views.answer, name="answer"),
    path("<int:feedback_id>/status/", views.set_status, name="status"),
    path("files/<int:feedback_file_id>/", views.download, name="file"),
]
