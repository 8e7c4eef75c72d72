"""Route planning for a home-care team's day (pure Python, no Django): see README.md."""

from .checker import Report, Rule, Verdict, Violation, check
from .model import (
    Break,
    CitizenWeek,
    Costs,
    Lock,
    Plan,
    PlanRequest,
    Reason,
    Route,
    Shift,
    Stop,
    StopKind,
    Unplaced,
    Visit,
    clock,
    hm,
)
from .replan import Replan, replan
from .sequence import move, sequences, timed
from .solver import plan
from .travel import (
    OsrmMatrix,
    Point,
    StraightLineMatrix,
    TravelMatrix,
    TravelMatrixError,
    TravelMode,
    ValhallaMatrix,
)

__all__ = [
    "Break",
    "CitizenWeek",
    "Costs",
    "Lock",
    "OsrmMatrix",
    "Plan",
    "PlanRequest",
    "Point",
    "Reason",
    "Replan",
    "Report",
    "Route",
    "Rule",
    "Shift",
    "Stop",
    "StopKind",
    "StraightLineMatrix",
    "TravelMatrix",
    "TravelMatrixError",
    "TravelMode",
    "Unplaced",
    "ValhallaMatrix",
    "Verdict",
    "Violation",
    "Visit",
    "check",
    "clock",
    "hm",
    "move",
    "plan",
    "replan",
    "sequences",
    "timed",
]
