"""/favicon.ico: what browsers ask for on pages that name no icon (the admin's among them)."""
from django.contrib.staticfiles import finders


def test_favicon_is_the_apps_icon_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/web/field/icon-192.png"
    assert finders.find("web/field/icon-192.png")

