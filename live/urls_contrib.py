"""Comments and incidents under /live/<meeting id>/."""

from django.urls import path

from live import views_contrib as views

urlpatterns = [
    path("<int:meeting_id>/comments/add/", views.add_comment, name="comment_add"),
    path("<int:meeting_id>/comments/", views.comments, name="comments"),
    path("<int:meeting_id>/comments.xlsx", views.comments_xlsx, name="comments_xlsx"),
    path("<int:meeting_id>/incidents/report/", views.report_incident, name="incident_report"),
    path("<int:meeting_id>/incidents/", views.incidents, name="incidents"),
    path("<int:meeting_id>/incidents/<int:incident_id>/", views.update_incident, name="incident_update"),
]
