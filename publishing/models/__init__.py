from .publications import Publication, PublicationItem, PublicationStatus

__all__ = ["Publication", "PublicationItem", "PublicationStatus"]
