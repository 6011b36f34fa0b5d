"""Tests of coachloop.language."""
