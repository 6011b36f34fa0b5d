"""Detectors, registered by name. Importing this package registers the built-in ones."""

from coachloop.detect import (  # noqa: F401  (imported to register)
    action,
    asked_answered,
    customer_name,
    frustration,
    meaning,
    order,
    pauses,
    phrase,
    prohibited,
    regex,
    semantic,
)
from coachloop.detect.base import Conversation, Detector, DetectorSettings, Finding, Scope, detectors

__all__ = ["Conversation", "Detector", "DetectorSettings", "Finding", "Scope", "detectors"]
