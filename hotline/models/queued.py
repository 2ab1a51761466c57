"""An uploaded 12345 export too large to import inside the request, waiting for the worker.

The upload page and the API store the file here and queue `hotline.tasks.import_queued`
(README "12345 hotline", "Background jobs"); the job imports it with the same service as
a small file (hotline.services.imports.complaints_import, all or nothing) and keeps what
the page and the API show: the whole report as JSON (hotline.services.queued
`result_json`). A run that fails leaves the import waiting for the job's next attempt
(等待重试: core.jobs retries a failed job a few times, further apart each time); only when the
job is given up is the import failed (失败). The file's bytes are cleared once the job has
finished (kept when it failed, so it can be run again); `manage.py hotline_imports_prune`
removes old rows.
"""
from django.conf import settings
from django.db import models

from .complaints import IMPORT_SOURCES


class QueuedImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    RETRY = "retry", "等待重试"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class QueuedImport(models.Model):
    filename = models.CharField("文件名", max_length=255)
    data = models.BinaryField("文件内容", null=True, blank=True, help_text="导入完成后清空")
    size = models.PositiveIntegerField("文件大小（字节）", default=0)
    rows = models.PositiveIntegerField("数据行数", default=0, help_text="上传时读出的数据行数（不含表头）")
    mapping = models.CharField("列映射", max_length=1000, blank=True, default="")
    partial = models.BooleanField("跳过错误行导入", default=False)
    dry_run = models.BooleanField("只校验", default=False)
    source = models.CharField("来源", max_length=20, default="upload", choices=IMPORT_SOURCES,
                              help_text="导入批次的来源")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)
    status = models.CharField("状态", max_length=10, choices=QueuedImportStatus.choices,
                              default=QueuedImportStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0, help_text="后台任务本次排队以来已运行的次数")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    retry_at = models.DateTimeField("重试时间", null=True, blank=True,
                                    help_text="等待重试时，后台任务再次运行的时间（空：尽快）")
    result = models.JSONField("导入结果", null=True, blank=True, help_text="与导入页面相同的结论、计数和每个问题")
    message = models.TextField("出错信息", blank=True, default="",
                               help_text="任务本身出错（非校验问题）时的原因：等待重试时为上次的错误")
    batch = models.ForeignKey("hotline.ImportBatch", verbose_name="导入批次", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "排队导入"
        verbose_name_plural = "排队导入"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in (QueuedImportStatus.DONE, QueuedImportStatus.FAILED)
