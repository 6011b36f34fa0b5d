"""Coaching: focus behaviours, plans, sessions and their cadence, follow-up, and how well
supervisors coach. Pure computations only; store access is in `store` and `jobs`."""
