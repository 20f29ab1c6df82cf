"""In-meeting votes under /live/<meeting id>/polls/."""

from django.urls import path

from live import views_voting as views

urlpatterns = [
    path("<int:meeting_id>/polls/", views.create, name="poll_create"),
    path("<int:meeting_id>/polls/<int:poll_id>/open/", views.open_vote, name="poll_open"),
    path("<int:meeting_id>/polls/<int:poll_id>/close/", views.close_vote, name="poll_close"),
    path("<int:meeting_id>/polls/<int:poll_id>/vote/", views.vote, name="poll_vote"),
    path("<int:meeting_id>/polls/<int:poll_id>/named/", views.named, name="poll_named"),
    path("<int:meeting_id>/votes.xlsx", views.votes_xlsx, name="votes_xlsx"),
]
