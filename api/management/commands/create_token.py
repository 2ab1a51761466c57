"""Issue an API token for a user: the key is printed this once and stored only as a digest.

stdout carries the key alone, so a script can take it as it is:
    T="Authorization: Token $(.venv/bin/python manage.py create_token officer1 --quiet)"
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.models import ApiToken


class Command(BaseCommand):
    help = "为账号签发 API 令牌（Authorization: Token …）；完整令牌只显示这一次，标准输出只有令牌本身"

    def add_arguments(self, parser):
        parser.add_argument("username", help="账号用户名")
        parser.add_argument("--name", default="命令行签发", help="令牌用途，如“执法一队 1 号平板”（默认：命令行签发）")
        parser.add_argument("--quiet", action="store_true", help="只输出令牌，不输出说明")

    def handle(self, *args, username, name, quiet=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有账号 {username!r}")
        if not user.is_active:
            raise CommandError(f"账号 {username!r} 已停用")
        limit = ApiToken._meta.get_field("name").max_length
        if len(name) > limit:
            raise CommandError(f"令牌用途过长（{len(name)} 个字符，最多 {limit} 个）")
        token, key = ApiToken.issue(user=user, name=name)
        if not quiet:
            self.stderr.write(f"已为 {username} 签发令牌“{name}”（前缀 {token.prefix}）。完整令牌只显示这一次，"
                              "请立即保存；遗失时在管理后台吊销并重新签发。")
            if getattr(user, "officer", None) is None:
                self.stderr.write(self.style.WARNING(f"注意：{username} 没有人员档案，调用问题接口时会被拒绝（403）。"))
        self.stdout.write(key)
