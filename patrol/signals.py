"""What the patrol app tells other apps, without importing them (they connect receivers)."""
from django.dispatch import Signal

# A new problem is committed (sent on commit of the transaction that created it, once):
# sender=Problem, problem_id=int. hotline links the 12345 complaints near it.
problem_created = Signal()
