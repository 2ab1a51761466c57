"""New passwords (officer logins, the admin's reset) follow Django's standard validators:
long enough, not like the username, not common, not only digits; the demo password passes."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from core.errors import ServiceError
from org.services import validate_new_login
from patrol.services.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["12345678", "password", "11111111", "wang0001", "short"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ServiceError) as exc:
        validate_new_login(username="wang0001", password=password)
    assert exc.value.field == "password"


def test_a_good_password_and_the_demo_password_pass():
    validate_new_login(username="wang0001", password="巡查-路面-2026")
    validate_password(DEMO_PASSWORD, get_user_model().objects.get(username="officer1"))
