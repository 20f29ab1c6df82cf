from reports import urls_forms, urls_stats

app_name = "reports"

# Two parts, each with its own view module: the statistics page (views_stats.py) and the
# appendix forms with their quarterly submission (views_forms.py).
urlpatterns: list = []
urlpatterns += urls_stats.urlpatterns
urlpatterns += urls_forms.urlpatterns
