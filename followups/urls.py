"""Assigned work under /followups/ ("Việc được giao")."""

from django.urls import path

from followups import views

app_name = "followups"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("all/", views.all_units, name="all"),
    path("units/<int:unit_id>/", views.unit_tasks, name="unit"),
    path("export.xlsx", views.export, name="export"),
    path("meetings/<int:meeting_id>/new/", views.create, name="create"),
    path("<int:task_id>/", views.detail, name="detail"),
    path("<int:task_id>/accept/", views.accept, name="accept"),
    path("<int:task_id>/assign/", views.assign, name="assign"),
    path("<int:task_id>/progress/", views.progress, name="progress"),
    path("<int:task_id>/complete/", views.complete, name="complete"),
    path("<int:task_id>/confirm/", views.confirm, name="confirm"),
    path("<int:task_id>/send-back/", views.send_back, name="send_back"),
    path("<int:task_id>/cancel/", views.cancel, name="cancel"),
    path("<int:task_id>/extension/", views.extension, name="extension"),
    path("<int:task_id>/extension/decide/", views.decide_extension, name="decide_extension"),
    path("files/<int:report_file_id>/", views.download, name="file"),
]
