"""Signals, not scores: what the data says about the system or a person, with its evidence."""
