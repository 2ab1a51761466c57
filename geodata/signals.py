"""What the geodata app tells the apps built on it."""
from django.dispatch import Signal

# Sent by `network_import` inside its transaction, after the network is written and only
# when something changed; keyword arguments: source, moved_segment_ids (segments kept
# with a new geometry), deleted_segment_ids. A receiver may return one line for the import's report; an
# exception it raises rolls the whole import back.
network_changed = Signal()
