"""Adaptive schedules: play next the pairings that narrow the too-wide rating intervals most, stop on target.

    from arena.adaptive import AdaptiveSchedule, Observed, next_round, run_schedule, stop_reason
"""

from arena.adaptive.choose import Allocation, RoundChoice, next_round
from arena.adaptive.run import AdaptiveSchedule, RoundRecord, ScheduleRun, rate_with, run_schedule
from arena.adaptive.state import Observed
from arena.adaptive.stop import StopReason, stop_reason

__all__ = ["AdaptiveSchedule", "Allocation", "Observed", "RoundChoice", "RoundRecord", "ScheduleRun", "StopReason",
           "next_round", "rate_with", "run_schedule", "stop_reason"]
