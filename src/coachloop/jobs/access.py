"""What a user may see: `Scope.of(store, user)`, used by every API route and page.

- agent: only their own agent id (`users.agent_id`);
- supervisor: the agents of their team: agents whose `team` is the user's team or whose
  `supervisor` is the user's name, and conversations stored with the user's team;
- qa, leader, admin: everything.

Routes answer an object outside the scope with 404 (never 403: that would tell the caller
it exists) and filter every list, count and search through `Scope.agent_filter` /
`Scope.interaction_filter`, so other agents' ids never leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement as AnyColumn

from coachloop.store import Store
from coachloop.store.live import UserRecord
from coachloop.store.tables import agents, interactions

__all__ = ["ALL_SEEING", "Scope"]

ALL_SEEING = frozenset({"qa", "leader", "admin"})


@dataclass(frozen=True, slots=True)
class Scope:
    user: UserRecord
    agent_ids: frozenset[str] | None
    """The agents whose data the user sees; None: every agent."""
    team: str | None = None
    """A supervisor's team: conversations stored with this team are theirs too."""

    @classmethod
    def of(cls, store: Store, user: UserRecord) -> Scope:
        if user.role in ALL_SEEING:
            return cls(user, None)
        if user.role == "agent":
            return cls(user, frozenset({user.agent_id}) if user.agent_id else frozenset())
        if user.role == "supervisor":
            conditions = [agents.c.supervisor == user.name]
            if user.team:
                conditions.append(agents.c.team == user.team)
            with store.reading("cannot read the team's agents") as conn:
                ids = conn.execute(select(agents.c.id).where(or_(*conditions))).scalars().all()
            return cls(user, frozenset(ids), user.team)
        return cls(user, frozenset())

    @property
    def everything(self) -> bool:
        return self.agent_ids is None

    def agent_filter(self, column: AnyColumn[str | None]) -> ColumnElement[bool]:
        """A condition on an agent-id column: true for rows the user may see."""
        if self.agent_ids is None:
            return true()
        if not self.agent_ids:
            return false()
        return column.in_(sorted(self.agent_ids))

    def interaction_filter(self) -> ColumnElement[bool]:
        """A condition on `interactions`: the conversations the user may see."""
        by_agent = self.agent_filter(interactions.c.agent_id)
        if self.agent_ids is None or self.team is None:
            return by_agent
        return or_(by_agent, interactions.c.team == self.team)

    def restrict(
        self, query: Select[tuple[object, ...]], column: AnyColumn[str | None]
    ) -> Select[tuple[object, ...]]:
        return query if self.agent_ids is None else query.where(self.agent_filter(column))

    def allows_agent(self, store: Store, agent_id: str | None) -> bool:
        if self.agent_ids is None:
            return True
        if agent_id is None:
            return False
        if agent_id in self.agent_ids:
            return True
        if self.team is None:
            return False
        with store.reading("cannot read the team's agents") as conn:
            found = conn.execute(
                select(
                    exists().where(
                        and_(interactions.c.agent_id == agent_id, interactions.c.team == self.team)
                    )
                )
            ).scalar()
        return bool(found)

    def allows_interaction(self, store: Store, interaction_id: str) -> bool:
        """False for a conversation the user may not see and for one that does not exist."""
        with store.reading("cannot read the conversation") as conn:
            found = conn.execute(
                select(interactions.c.id).where(
                    interactions.c.id == interaction_id, self.interaction_filter()
                )
            ).first()
        return found is not None
