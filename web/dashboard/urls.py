from django.urls import path

from . import views

urlpatterns = [
    path("", views.today, name="dashboard"),
    path("problems/", views.problem_list, name="dashboard-problems"),
    path("focus/", views.focus, name="dashboard-focus"),
    path("maps/", views.thematic, name="dashboard-thematic"),
    path("maps/frame", views.thematic_frame, name="dashboard-thematic-frame"),
    path("problems/<int:problem_id>/", views.problem_detail, name="dashboard-problem"),
    path("problems/<int:problem_id>/step", views.problem_step, name="dashboard-problem-step"),
]
