from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="hotline"),
    path("ranking/", views.ranking_page, name="hotline-ranking"),
    path("ranking.xlsx", views.ranking_xlsx_view, name="hotline-ranking-xlsx"),
    path("bulletin/", views.bulletin_page, name="hotline-bulletin"),
    path("bulletin.pdf", views.bulletin_pdf_view, name="hotline-bulletin-pdf"),
    path("import/", views.import_page, name="hotline-import"),
    path("import/<int:pk>/", views.import_status_page, name="hotline-import-status"),
]
