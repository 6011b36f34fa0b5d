"""Evaluating interactions against a rubric, in batch or live, with one code path."""

from coachloop.evaluate.compile import CompiledItem, CompiledRubric, compile_spec, load_rubric
from coachloop.evaluate.run import applies, evaluate, prepare

__all__ = ["CompiledItem", "CompiledRubric", "applies", "compile_spec", "evaluate", "load_rubric", "prepare"]
