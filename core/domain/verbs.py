"""The closed list of things the audit log records (its verbs), and what they are said on.

A verb names what happened, in the past tense; the subject is the record it happened to.
The database refuses a verb not in this list (a check constraint written from it), so
adding one is a migration, deliberately: the log is read by people and by reports, and a
free-text action is what made the old per-problem trail hard to query.

>>> Verb.TRANSITIONED in VERBS, VERB_LABELS[Verb.OUTCOME_RECORDED]
(True, '记录处置结果')
"""
from __future__ import annotations


class Verb:
    CREATED = "created"
    UPDATED = "updated"
    TRANSITIONED = "transitioned"
    PHOTO_ADDED = "photo_added"
    OUTCOME_RECORDED = "outcome_recorded"
    OUTCOME_CORRECTED = "outcome_corrected"
    ESCALATED = "escalated"
    ESCALATION_ANSWERED = "escalation_answered"
    REINSPECTION_SCHEDULED = "reinspection_scheduled"
    REINSPECTED = "reinspected"
    RESNAPPED = "resnapped"
    IMPORTED = "imported"
    DEACTIVATED = "deactivated"
    DELETED = "deleted"
    KEY_ISSUED = "key_issued"
    KEY_REVOKED = "key_revoked"
    STARTED = "started"  # a shift went on duty
    ENDED = "ended"  # a shift ended
    FIXES_RECEIVED = "fixes_received"  # a batch of GPS fixes was stored
    PRUNED = "pruned"  # old data removed by a retention command
    REORDERED = "reordered"
    PUBLISHED = "published"  # a list was published (immutable from then on)
    LOGIN_FAILED = "login_failed"  # a sign-in was refused: wrong password, unknown name (org.login)
    LOGIN_LOCKED = "login_locked"  # too many failures: a name or an address is locked out for a while


VERB_LABELS: dict[str, str] = {
    Verb.CREATED: "创建",
    Verb.UPDATED: "修改",
    Verb.TRANSITIONED: "变更状态",
    Verb.PHOTO_ADDED: "上传照片",
    Verb.OUTCOME_RECORDED: "记录处置结果",
    Verb.OUTCOME_CORRECTED: "更正处置结果",
    Verb.ESCALATED: "吹哨",
    Verb.ESCALATION_ANSWERED: "答复吹哨",
    Verb.REINSPECTION_SCHEDULED: "安排复查",
    Verb.REINSPECTED: "完成复查",
    Verb.RESNAPPED: "随路网更新重新定位",
    Verb.IMPORTED: "导入",
    Verb.DEACTIVATED: "停用",
    Verb.DELETED: "删除",
    Verb.KEY_ISSUED: "签发密钥",
    Verb.KEY_REVOKED: "吊销密钥",
    Verb.STARTED: "开始",
    Verb.ENDED: "结束",
    Verb.FIXES_RECEIVED: "接收定位点",
    Verb.PRUNED: "清理过期数据",
    Verb.REORDERED: "调整顺序",
    Verb.PUBLISHED: "发布",
    Verb.LOGIN_FAILED: "登录失败",
    Verb.LOGIN_LOCKED: "登录锁定",
}
VERBS: frozenset[str] = frozenset(VERB_LABELS)
VERB_CHOICES: list[tuple[str, str]] = list(VERB_LABELS.items())
