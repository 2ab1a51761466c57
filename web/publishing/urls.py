from django.urls import path

from . import views

urlpatterns = [
    path("", views.publication_list_page, name="publications"),
    path("<int:pk>/", views.publication_page, name="publication-page"),
]
