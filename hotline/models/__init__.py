from .complaints import Complaint, ImportBatch

__all__ = ["Complaint", "ImportBatch"]
