import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from geodata.services.demo import demo_load
from patrol.services.demo import demo_api_key, demo_people_load

DEMO_ADMIN = os.environ.get("DEMO_ADMIN_USER", "admin")
DEMO_ADMIN_PASSWORD = os.environ.get("DEMO_ADMIN_PASSWORD", "patrol-demo")


class Command(BaseCommand):
    help = "载入演示辖区（海淀区学院路一带的真实OSM路网、北京各区边界、生成的街道与网格）、问题类别、演示单位与账号；可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="即使已载入也重新导入（结果不变）")
        parser.add_argument("--no-week", action="store_true", help="不生成演示周的班次、轨迹与问题")

    def handle(self, *args, force=False, no_week=False, **options):
        report = demo_load(force=force)
        for line in report.lines:
            self.stdout.write(line)
        User = get_user_model()
        if not User.objects.filter(username=DEMO_ADMIN).exists():
            User.objects.create_superuser(DEMO_ADMIN, password=DEMO_ADMIN_PASSWORD)
            self.stdout.write(f"已创建演示管理员 {DEMO_ADMIN}")
        for line in demo_people_load(admin_username=DEMO_ADMIN):
            self.stdout.write(line)
        if not no_week:
            from shifts.services.demo import demo_week_load  # a week of shifts, tracks and problems

            for line in demo_week_load().lines:
                self.stdout.write(line)
        from hotline.services.demo import demo_orders_load  # synthetic 12345 work orders, two years

        self.stdout.write(demo_orders_load())
        if not no_week:
            from publishing.services.demo import demo_publication_load  # the week's 未诉先办 list, published

            self.stdout.write(demo_publication_load())
        self.stdout.write(f"Open311 api_key: {demo_api_key()}")
