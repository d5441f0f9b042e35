"""Datasets: a real event table bundled with the package and a synthetic generator."""

from ._event_log import make_event_log
from ._flights import load_flights

__all__ = ["load_flights", "make_event_log"]
