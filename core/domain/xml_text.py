"""Text as XML 1.0 can hold it: C0 control characters but tab, LF and CR, U+FFFE, U+FFFF and
lone surrogates are not allowed there, and writers pass them on (ElementTree) or refuse the
whole document (python-docx). Shown as U+FFFD, so that a document still opens and the mark
shows where its text differs from what was stored.

>>> xml_text("路边\\x1b垃圾\\x0b"), xml_text("行一\\n行二\\t")
('路边\\ufffd垃圾\\ufffd', '行一\\n行二\\t')
"""
from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
