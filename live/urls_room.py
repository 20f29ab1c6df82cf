"""The room part of the meeting room: the attendee screen, the chair console, the projector,
the snapshot fallback, running the meeting and attendance (namespace "live", under /live/)."""

from django.urls import URLPattern, path

from live import views

urlpatterns: list[URLPattern] = [
    path("<int:meeting_id>/", views.room, name="room"),
    path("<int:meeting_id>/console/", views.console, name="console"),
    path("<int:meeting_id>/snapshot.json", views.snapshot_json, name="snapshot"),
    path("<int:meeting_id>/start/", views.start, name="start"),
    path("<int:meeting_id>/end/", views.end, name="end"),
    path("<int:meeting_id>/agenda/current/", views.set_current_item, name="set_current_item"),
    path("<int:meeting_id>/agenda/discussion/", views.set_discussion, name="set_discussion"),
    path("<int:meeting_id>/agenda/conclude/", views.conclude_item, name="conclude_item"),
    path("<int:meeting_id>/settings/", views.room_settings, name="room_settings"),
    path("<int:meeting_id>/checkin/", views.check_in, name="checkin"),
    path("<int:meeting_id>/qr/<str:code>/", views.qr_checkin, name="qr_checkin"),
    path("<int:meeting_id>/attendance/", views.mark_attendance, name="mark_attendance"),
    path("display/<str:token>/", views.display, name="display"),
    path("display/<str:token>/qr.svg", views.display_qr, name="display_qr"),
    path("display/<str:token>/snapshot.json", views.display_snapshot, name="display_snapshot"),
]
