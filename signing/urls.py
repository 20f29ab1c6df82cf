from django.urls import path

from signing import views

app_name = "signing"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("certificates/", views.pending, name="pending"),
    path("certificates/<int:binding_id>/confirm/", views.confirm, name="confirm"),
    path("certificates/<int:binding_id>/revoke/", views.revoke, name="revoke"),
]
