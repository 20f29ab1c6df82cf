"""The appendix forms' URLs (reports/views_forms.py), added to reports/urls.py."""

from django.urls import path

from reports import views_forms

urlpatterns = [
    path("forms/", views_forms.forms_page, name="forms"),
    path("forms/<slug:form>.<slug:fmt>", views_forms.form_export, name="form_export"),
    path("submissions/", views_forms.submissions, name="submissions"),
    path("submissions/submit/", views_forms.submit, name="submit"),
    path("submissions/<int:report_id>/", views_forms.submission, name="submission"),
    path("submissions/<int:report_id>/<slug:form>.<slug:fmt>", views_forms.submission_export, name="submission_export"),
    path("quarterly/", views_forms.overview, name="overview"),
]
