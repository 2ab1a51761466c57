"""The sign-in page: Django's LoginView with the throttled form (org.login); a locked attempt
is answered 429 with the form and the reason."""
from django.contrib.auth import views as auth_views

from org.login import ThrottledAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429
        return response
