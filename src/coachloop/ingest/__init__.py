"""Input readers, redaction and quarantine. Importing this package registers every reader."""

from coachloop.ingest import ccai, contact_lens, csv_tables, genesys, hvb, native, transcribe  # noqa: F401  (registers)
from coachloop.ingest.records import Reader, readers
from coachloop.model import InteractionUpdate, ReadItem, Rejected, SurveyUpdate

__all__ = ["InteractionUpdate", "ReadItem", "Reader", "Rejected", "SurveyUpdate", "readers"]
