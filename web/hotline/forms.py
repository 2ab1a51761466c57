"""The upload form of a 12345 export (its size is checked again by the import service)."""
from django import forms
from django.conf import settings


class ImportForm(forms.Form):
    file = forms.FileField(label="工单文件（.xlsx 或 .csv）", error_messages={
        "required": "请选择要导入的文件", "empty": "文件是空的", "invalid": "没有收到文件，请重新选择"})
    mapping = forms.CharField(label="列映射（可选）", required=False, max_length=1000,
                              help_text="文件列名与常用列名不同时填写，如：工单编号=编号,受理时间=来电时间")
    # a box of its own size before its words (the form's inputs are otherwise as wide as the form)
    partial = forms.BooleanField(label="跳过错误行导入（其余行照常导入）", required=False, widget=forms.CheckboxInput(
        attrs={"style": "width:28px;height:28px;flex:none;margin:0"}))
    dry_run = forms.BooleanField(label="只校验，不写入", required=False, widget=forms.CheckboxInput(
        attrs={"style": "width:28px;height:28px;flex:none;margin:0"}))

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = settings.HOTLINE_MAX_UPLOAD_MB * 1024 * 1024
        if f.size > limit:
            raise forms.ValidationError(f"文件太大（{f.size / 1048576:.1f} MB），上限 {settings.HOTLINE_MAX_UPLOAD_MB} MB")
        return f
