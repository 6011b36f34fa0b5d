"""Coaching: focus behaviours, evidence clips, SMART goals, training and recognition
(plans), and sessions: their cadence, the follow-up of what was agreed and how well
supervisors coach.

Pure computations over values (no I/O); `coachloop.jobs.coaching` and
`coachloop.jobs.coach_sessions` read the store and call them.
"""
