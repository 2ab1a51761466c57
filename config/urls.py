from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.v1.urls")),
    path("open311/v2/", include("api.open311.urls")),
    path("", include("maps.urls")),
    # Problem photos. A small deployment serves them from the app; behind nginx, let it serve /media/.
    re_path(r"^media/(?P<path>photos/[0-9a-f]{32}\.jpg)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
