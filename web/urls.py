"""The pages people use. Each room adds its own include here."""
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .login import LoginView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dashboard/", include("web.dashboard.urls")),
    path("field/", include("web.field.urls")),
    path("coverage/", include("web.coverage.urls")),
    path("hotline/", include("web.hotline.urls")),
    path("publications/", include("web.publishing.urls")),
]
