"""The statistics page and its .xlsx, under /reports/ (included by reports/urls.py)."""

from django.urls import path

from reports import views_stats

urlpatterns = [
    path("statistics/", views_stats.statistics, name="statistics"),
    path("statistics/export.xlsx", views_stats.export, name="statistics_export"),
]
