from django.urls import path

from accounts import admin_views as v

app_name = "unitadmin"
urlpatterns = [
    path("users/", v.user_list, name="user_list"),
    path("users/new/", v.user_create, name="user_create"),
    path("users/<int:user_id>/", v.user_detail, name="user_detail"),
    path("users/<int:user_id>/right/", v.user_right, name="user_right"),
    path("users/<int:user_id>/active/", v.user_set_active, name="user_set_active"),
    path("users/<int:user_id>/reset-password/", v.user_reset_password, name="user_reset_password"),
    path("users/<int:user_id>/unlock/", v.user_unlock, name="user_unlock"),
    path(
        "users/<int:user_id>/force-password-change/",
        v.user_force_password_change,
        name="user_force_password_change",
    ),
    path("users/<int:user_id>/reset-two-factor/", v.user_reset_two_factor, name="user_reset_two_factor"),
    path("users/force-password-change/", v.force_password_change_all, name="force_password_change_all"),
    path("users/<int:user_id>/transfer/", v.user_transfer, name="user_transfer"),
    path("transfers/", v.transfer_list, name="transfer_list"),
    path("transfers/<int:transfer_id>/<str:decision>/", v.transfer_decide, name="transfer_decide"),
    path("units/", v.unit_list, name="unit_list"),
    path("units/new/", v.unit_edit, name="unit_create"),
    path("units/<int:unit_id>/", v.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/edit/", v.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/details/", v.unit_details, name="unit_details"),
]
