"""Coaching plans: focus behaviours, evidence clips, SMART goals, training and recognition.

Pure computations over values (no I/O); `coachloop.jobs.coaching` reads the store and
calls them.
"""
