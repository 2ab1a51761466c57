from .audit import ProblemEvent
from .categories import Category
from .inspections import Inspection
from .outcomes import Outcome, OutcomePhoto
from .people import Agency, Officer, Team
from .problems import Escalation, Problem, ProblemPhoto, Reinspection

__all__ = ["Agency", "Category", "Escalation", "Inspection", "Officer", "Outcome", "OutcomePhoto", "Problem",
           "ProblemEvent", "ProblemPhoto", "Reinspection", "Team"]
