"""What the geodata app tells the apps built on it."""
from django.dispatch import Signal

# Sent by `network_import` inside its transaction, after the network is written and only
# when something changed; keyword arguments: source, moved_segment_ids (segments kept
# with a new geometry), moved_segment_old_geoms (their id → their geometry before the
# import: a split way's first piece keeps its key and id, its old line tells where the
# other pieces lie), added_segment_ids (segments new to the live network: created, e.g.
# the new piece of a split way, or retired ones found again), removed_segment_ids
# (segments no longer in the file: already
# retired, out of the live network, and deleted after the receivers ran unless
# `segments_in_use` keeps them). A receiver moves what it can onto the live network and
# may return one line for the import's report; an exception it raises rolls the whole
# import back.
network_changed = Signal()

# Sent by `network_import` inside its transaction after `network_changed`, before it
# deletes the segments no longer in the file; keyword arguments: source, segment_ids. A
# receiver returns (ids, line): the ids among `segment_ids` that records of its app keep as
# history (coverage patrolled on them, plans of shifts that ended), which are then kept
# retired instead of deleted, and a line for the import's report saying what was kept
# (or None).
segments_in_use = Signal()
