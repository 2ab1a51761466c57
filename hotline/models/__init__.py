from .complaints import Complaint, ImportBatch
from .queued import QueuedImport, QueuedImportStatus

__all__ = ["Complaint", "ImportBatch", "QueuedImport", "QueuedImportStatus"]
