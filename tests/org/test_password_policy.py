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


def test_a_short_password_is_refused_in_chinese():
    # Django's zh_Hans catalogue has the validator's older wording only: this one was English
    # ("This password is too short. It must contain at least 8 characters."); locale/zh_Hans.
    with pytest.raises(ServiceError) as exc:
        validate_new_login(username="wang0001", password="巡查-26")
    assert exc.value.message == "密码太短，至少需要 8 个字符。"
