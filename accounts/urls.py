from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.my_account, name="my_account"),
    path("sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
]
