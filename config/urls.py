from django.contrib import admin
from django.urls import include, path, re_path

from api.v1.media import PhotoFile

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.v1.urls")),
    path("open311/v2/", include("api.open311.urls")),
    path("", include("web.urls")),
    path("", include("maps.urls")),
    # Problem and evidence photos, to users of the jurisdiction only (api.v1.media).
    re_path(r"^media/photos/(?P<name>[0-9a-f]{32}\.jpg)$", PhotoFile.as_view(), name="photo-file"),
]

handler404 = "api.v1.errors.not_found"
