"""Test URLconf: the project's URLs, plus a stand-in `dashboard:home` while the dashboard is not built."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns


@login_required
def _home(request):
    return HttpResponse("dashboard")


dashboard_stub = ([path("", _home, name="home")], "dashboard")

urlpatterns = [path("", include(dashboard_stub)), *[p for p in project_urlpatterns if str(p.pattern) != ""]]
