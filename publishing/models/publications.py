"""Publications (未诉先办 lists): a numbered, dated list of problems found before anyone
complained, in the paper's exact style, and its items (one problem each; the problems of
one place share a line: the first item carries it, the others are merged into it).

A publication is drafted (problems chosen, ordered, lines edited), then published: its
text, number and checksum (SHA-256 of the text) are frozen. From then on PostgreSQL
itself refuses every UPDATE or DELETE of it and of its items (triggers in
publishing.0001, like core's audit log), whatever issues them; the services refuse first,
with a message. A problem that is an item of a published list is exposed (曝光):
`publishing.selectors.problem_exposures`.
"""
from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class Publication(models.Model):
    title = models.CharField("标题", max_length=200, default="未诉先办")
    area = models.ForeignKey("geodata.Area", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    period_from = models.DateField("起始日期")
    period_to = models.DateField("截止日期")
    sources = models.JSONField("问题来源", default=list, blank=True, help_text="空：全部来源")
    statuses = models.JSONField("问题状态", default=list, blank=True, help_text="空：除不予立案、重复上报外的全部状态")
    status = models.CharField("状态", max_length=10, choices=PublicationStatus.choices,
                              default=PublicationStatus.DRAFT, db_index=True)
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    sequence = models.PositiveIntegerField("期次", null=True, blank=True)
    number = models.CharField("期号", max_length=30, blank=True, help_text="发布时生成，如 2026年第12期")
    text = models.TextField("正文", blank=True, help_text="发布时冻结")
    checksum = models.CharField("校验值(SHA-256)", max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "未诉先办清单"
        verbose_name_plural = "未诉先办清单"
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_from__lte=models.F("period_to")),
                                   name="publication_period_ordered",
                                   violation_error_message="起始日期不能晚于截止日期"),
            # A published list has everything a reader checks: number, time, publisher,
            # text and its checksum; a draft has none of them.
            models.CheckConstraint(
                condition=(Q(status=PublicationStatus.PUBLISHED, published_at__isnull=False,
                             published_by__isnull=False, year__isnull=False, sequence__isnull=False,
                             checksum__regex=r"^[0-9a-f]{64}$") & ~Q(number="") & ~Q(text=""))
                | Q(status=PublicationStatus.DRAFT, published_at__isnull=True, published_by__isnull=True,
                    sequence__isnull=True, checksum="", number=""),
                name="publication_published_complete"),
            models.UniqueConstraint(fields=["area", "year", "sequence"], name="publication_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number or '草稿'} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


class PublicationItem(models.Model):
    FOLLOWUP_CHOICES = [("", "—"), ("已整改", "已整改"), ("整改不到位", "整改不到位")]

    publication = models.ForeignKey(Publication, verbose_name="清单", on_delete=models.CASCADE,
                                    related_name="items")
    position = models.PositiveIntegerField("序号", null=True, blank=True, help_text="空：已并入同一地点的另一条目")
    problem = models.ForeignKey("patrol.Problem", verbose_name="问题", on_delete=models.PROTECT,
                                related_name="publication_items")
    generated_text = models.TextField("生成的文字", help_text="不含序号")
    edited_text = models.TextField("修改后的文字", blank=True, help_text="空：使用生成的文字")
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField("修改时间", null=True, blank=True)
    followup = models.CharField("复查情况", max_length=10, blank=True, choices=FOLLOWUP_CHOICES)
    followup_of = models.ForeignKey("self", verbose_name="前次曝光", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="followups")
    merged_into = models.ForeignKey("self", verbose_name="并入条目", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="merged",
                                    help_text="同一地点的几个问题写成一行：其余问题并入第一条")
    # Where the problem was when the list was published: its map shows this point, not the
    # problem's point of today (a network update re-snaps problems).
    point = models.PointField("发布时位置", srid=settings.STORAGE_SRID, null=True, blank=True)

    class Meta:
        verbose_name = "清单条目"
        verbose_name_plural = "清单条目"
        ordering = ["publication", "position"]
        constraints = [
            # deferred: a reorder swaps positions inside one transaction
            models.UniqueConstraint(fields=["publication", "position"], name="publication_item_position_unique",
                                    deferrable=models.Deferrable.DEFERRED),
            models.UniqueConstraint(fields=["publication", "problem"], name="publication_item_problem_unique"),
            models.CheckConstraint(condition=Q(position__isnull=True) | Q(position__gte=1),
                                   name="publication_item_position_positive",
                                   violation_error_message="序号须为正整数"),
            # a line of its own (numbered), or merged into the line of another item
            models.CheckConstraint(condition=Q(position__isnull=False, merged_into__isnull=True)
                                   | Q(position__isnull=True, merged_into__isnull=False),
                                   name="publication_item_line_or_merged"),
            models.CheckConstraint(condition=Q(followup="") | Q(followup_of__isnull=False),
                                   name="publication_item_followup_has_origin"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.body}" if self.position else f"#{self.problem_id}（并入）"

    @property
    def body(self) -> str:
        """The line's words without its number: as edited, else as generated."""
        return self.edited_text or self.generated_text
