"""Opinion collection under /opinions/ ("Lấy ý kiến" and "Quản lý biểu quyết")."""

from django.urls import path

from opinions import views

app_name = "opinions"

urlpatterns = [
    path("", views.collection_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:collection_id>/", views.detail, name="detail"),
    path("<int:collection_id>/edit/", views.edit, name="edit"),
    path("<int:collection_id>/answer/", views.answer, name="answer"),
    path("<int:collection_id>/ballots/<int:revision_id>/", views.ballot, name="ballot"),
    path("<int:collection_id>/ballots/<int:revision_id>/signed/", views.sign_upload, name="sign_upload"),
    path("<int:collection_id>/ballots/<int:revision_id>/remote/", views.sign_remote, name="sign_remote"),
    path("<int:collection_id>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:collection_id>/results/", views.results, name="results"),
    path("<int:collection_id>/results.xlsx", views.export, name="export"),
    path("<int:collection_id>/extend/", views.extend, name="extend"),
    path("<int:collection_id>/recommendation/", views.recommendation, name="recommendation"),
    path("<int:collection_id>/receipt/", views.receipt, name="receipt"),
]
