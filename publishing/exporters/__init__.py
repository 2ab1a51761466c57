"""Exports of a publication: plain text, an HTML page with a map, a PDF (A4, the Chinese
font embedded) and a Word document. Each takes a `ListDocument` (plain data, built by
publishing.selectors) and returns bytes or text; none reads the database."""
from .document import ListDocument, ListLine

EXPORT_MEDIA_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

__all__ = ["EXPORT_MEDIA_TYPES", "ListDocument", "ListLine"]
