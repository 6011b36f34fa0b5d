"""Tests of coachloop.detect."""
