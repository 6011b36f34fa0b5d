"""The rubric file format: schema, loading and error messages."""

from coachloop.rubric.load import load_spec, resolve_rubric_path, shipped_rubrics
from coachloop.rubric.schema import Applicability, BehaviorSpec, EventSpec, RubricSpec, SectionSpec, Window

__all__ = [
    "Applicability",
    "BehaviorSpec",
    "EventSpec",
    "RubricSpec",
    "SectionSpec",
    "Window",
    "load_spec",
    "resolve_rubric_path",
    "shipped_rubrics",
]
