"""Coaching: what a supervisor does on Monday morning with what coachloop measured.

Pure computations, no I/O: `focus` chooses at most two behaviours per agent by expected
impact, `plan` assembles a coaching plan (wins, focus, clips, a SMART goal, practice,
training, a checkpoint), `training` maps gaps to a catalogue and groups workshops,
`recognition` finds credible improvement and difficult work handled well, `render`
writes a plan as Markdown or PDF. `coachloop.jobs.coaching` reads the store and calls them.
"""
