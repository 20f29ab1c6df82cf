"""Schedule, downloads and the iCal feed. Included by meetings.urls inside the "meetings"
namespace, so the names are meetings:calendar, meetings:invitation_pdf, ..."""

from django.urls import path

from meetings import calendar_views

urlpatterns = [
    path("calendar/", calendar_views.week, name="calendar"),
    path("calendar/feed/", calendar_views.calendar_feed, name="calendar_feed"),
    path("meetings/<int:meeting_id>/invitation.pdf", calendar_views.invitation_pdf, name="invitation_pdf"),
    path("meetings/<int:meeting_id>/meeting.ics", calendar_views.meeting_ics, name="meeting_ics"),
    path("ical/<str:token>.ics", calendar_views.ical_feed, name="ical_feed"),
]
