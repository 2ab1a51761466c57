"""How shifts follow changes in the apps they refer to."""
from django.dispatch import receiver

from geodata.signals import network_changed, segments_in_use

from .selectors.network import segments_with_history
from .services.network import coverage_follows_network, plans_follow_network


@receiver(network_changed, dispatch_uid="shifts.plans_follow_network")
def _plans_follow_network(sender, removed_segment_ids=(), moved_segment_old_geoms=None, **kwargs):
    r = plans_follow_network(segment_ids=removed_segment_ids, moved_old_geoms=moved_segment_old_geoms)
    if not r.changed:
        return None
    line = f"未结束的班次 {r.changed} 个：计划中已不在路网、被拆分或改了编号的路段换成了沿线的现有路段"
    if r.emptied:
        line += (f"；其中 {len(r.emptied)} 个班次（编号 {'、'.join(map(str, r.emptied))}）沿线已没有路段，"
                 "计划已空，请重新安排")
    return line


@receiver(network_changed, dispatch_uid="shifts.coverage_follows_network")
def _coverage_follows_network(sender, moved_segment_ids=(), added_segment_ids=(), moved_segment_old_geoms=None,
                              removed_segment_ids=(), **kwargs):
    r = coverage_follows_network(moved_segment_ids=moved_segment_ids, added_segment_ids=added_segment_ids,
                                 moved_old_geoms=moved_segment_old_geoms, removed_segment_ids=removed_segment_ids)
    lines = []
    if r.moved:
        parts = []
        if r.moved_shifts:
            parts.append(f"未结束的 {r.moved_shifts} 个班次已排队按新几何从定位点重新计算这些路段的覆盖")
        if r.moved_ended_shifts:
            parts.append(f"已结束的 {r.moved_ended_shifts} 个班次保留结束时的覆盖记录")
        lines.append(f"几何有变化的路段中 {r.moved} 条有覆盖记录或在班次轨迹附近：" + "；".join(parts))
    if r.added:
        lines.append(f"新进入路网的路段中 {r.added} 条在班次轨迹附近：未结束的 {r.added_shifts} 个班次已排队从定位点计算这些路段的覆盖"
                     "（已结束的班次保留结束时的覆盖记录）")
    if r.beside_shifts:
        lines.append(f"已不在路网或几何有变化的路段上有覆盖记录的未结束班次 {r.beside_shifts} 个：已排队从定位点重新计算其旁边道路的覆盖")
    return "。".join(lines) or None


@receiver(segments_in_use, dispatch_uid="shifts.segments_with_history")
def _segments_with_history(sender, segment_ids=(), **kwargs):
    return segments_with_history(segment_ids)
