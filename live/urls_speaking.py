"""The floor: requests to speak and turns, under /live/<meeting id>/floor/."""

from django.urls import path

from live import views_speaking as views

urlpatterns = [
    path("<int:meeting_id>/floor/request/", views.request_floor, name="floor_request"),
    path("<int:meeting_id>/floor/withdraw/", views.withdraw, name="floor_withdraw"),
    path("<int:meeting_id>/floor/end/", views.end_turn, name="floor_end"),
    path("<int:meeting_id>/floor/give/", views.give_floor, name="floor_give"),
    path("<int:meeting_id>/floor/timeline/", views.timeline, name="floor_timeline"),
    path("<int:meeting_id>/floor/<int:request_id>/<str:step>/", views.decide, name="floor_decide"),
]
