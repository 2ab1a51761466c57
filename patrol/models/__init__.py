from .categories import Category
from .inspections import Inspection
from .outcomes import Outcome, OutcomePhoto
from .problems import Escalation, Problem, ProblemPhoto, Reinspection

__all__ = ["Category", "Escalation", "Inspection", "Outcome", "OutcomePhoto", "Problem",
           "ProblemPhoto", "Reinspection"]
