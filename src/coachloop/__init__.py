"""coachloop: evaluate every contact-center conversation against a rubric, with evidence.

The public API is small:

>>> from coachloop import load_rubric, evaluate, Interaction, Utterance, Speaker
>>> rubric = load_rubric("general")            # a shipped rubric, or a path to a YAML file
>>> call = Interaction("c-1", utterances=[Utterance(0, Speaker.AGENT, "thank you for calling northwind bank")])
>>> evaluate(rubric, call).results[0].outcome
<Outcome.MET: 'met'>

Storage (`coachloop.store.open_store`), readers (`coachloop.ingest.readers`) and the
jobs the CLI runs (`coachloop.jobs`) are imported from their packages.
"""

from coachloop.errors import CoachloopError, IngestError, RecordError, RubricError, StoreError
from coachloop.evaluate import CompiledRubric, evaluate, load_rubric
from coachloop.model import (
    Agent,
    BehaviorResult,
    Channel,
    Evaluation,
    Evidence,
    Interaction,
    Outcome,
    Speaker,
    Survey,
    Utterance,
)

__all__ = [
    "Agent",
    "BehaviorResult",
    "Channel",
    "CoachloopError",
    "CompiledRubric",
    "Evaluation",
    "Evidence",
    "IngestError",
    "Interaction",
    "Outcome",
    "RecordError",
    "RubricError",
    "Speaker",
    "StoreError",
    "Survey",
    "Utterance",
    "evaluate",
    "load_rubric",
]

__version__ = "0.1.0"
