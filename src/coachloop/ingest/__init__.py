"""Input readers, redaction and quarantine. Importing this package registers every reader."""

from coachloop.ingest import contact_lens, csv_tables, hvb, native, transcribe  # noqa: F401  (registers)
from coachloop.ingest.records import InteractionUpdate, Reader, ReadItem, Rejected, SurveyUpdate, readers

__all__ = ["InteractionUpdate", "ReadItem", "Reader", "Rejected", "SurveyUpdate", "readers"]
