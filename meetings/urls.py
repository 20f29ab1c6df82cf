from django.urls import include, path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_create, name="create"),
    path("meetings/approvals/", views.approvals, name="approvals"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<int:meeting_id>/uploaded-invitation.pdf", views.invitation_upload, name="invitation_upload"),
    path("meetings/<int:meeting_id>/submit/", views.meeting_submit, name="submit"),
    path("meetings/<int:meeting_id>/decide/", views.meeting_decide, name="decide"),
    path("meetings/<int:meeting_id>/postpone/", views.meeting_postpone, name="postpone"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="cancel"),
    path("meetings/<int:meeting_id>/recommendation/", views.meeting_recommendation, name="recommendation"),
    path("meetings/<int:meeting_id>/dashboard/", views.dashboard, name="dashboard"),
    path("meetings/<int:meeting_id>/support/", views.support_request, name="support"),
    path("meetings/<int:meeting_id>/deliveries/<int:delivery_id>/retry/", views.delivery_retry, name="delivery_retry"),
    path("meetings/invitations/<int:invitation_id>/answer/", views.invitation_answer, name="answer"),
    path("meetings/invitations/<int:invitation_id>/name/", views.name_unit_attendees, name="name_attendees"),
    path("meetings/support/<int:request_id>/resolve/", views.support_resolve, name="support_resolve"),
    path("rooms/", views.room_list, name="rooms"),
    path("rooms/new/", views.room_edit, name="room_create"),
    path("rooms/<int:room_id>/", views.room_edit, name="room_edit"),
    path("", include("meetings.calendar_urls")),
]
