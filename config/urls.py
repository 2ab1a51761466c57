from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.v1.urls")),
    path("open311/v2/", include("api.open311.urls")),
    path("", include("maps.urls")),
]
