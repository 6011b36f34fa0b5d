"""Real-time assist: live sessions evaluated with the batch rubric and detectors, prompts
under an alert policy, a knowledge catalogue, and replay of recorded calls.

Modules: `protocol` (the WebSocket messages), `session` (incremental evaluation and the
prompt rules), `policy` (cooldown, de-duplication, budget), `knowledge` (the article
catalogue), `hub` (the sessions a server holds, for the board), `replay` (the client).
"""
