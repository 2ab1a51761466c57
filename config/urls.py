from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from api.v1.media import PhotoFile

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.v1.urls")),
    path("open311/v2/", include("api.open311.urls")),
    path("", include("web.urls")),
    path("", include("maps.urls")),
    # Problem and evidence photos, to users of the jurisdiction only (api.v1.media).
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, exported HTML opened
    # from the server): the app's own icon instead of a 404 in every console.
    path("favicon.ico", RedirectView.as_view(url=static("web/field/icon-192.png"), permanent=True)),
    re_path(r"^media/photos/(?P<name>[0-9a-f]{32}\.jpg)$", PhotoFile.as_view(), name="photo-file"),
]

handler404 = "api.v1.errors.not_found"
