"""Learner actions (learners-contract.md section 2)."""
from __future__ import annotations

from .. import responses
from ..guard import HandlerError
from ..learners import queries, shapes
from ..registry import registry


def learner_id_from(ctx, name: str = "id") -> int:
    """``(int)`` of the POST value, or of GET when POST lacks it; 0 means invalid."""
    raw = ctx.post.get(name) if name in ctx.post else ctx.get.get(name)
    if not isinstance(raw, str):
        return 0
    raw = raw.strip()
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not digits.isdigit():
        return 0
    value = int(raw)
    return value if 0 < value < 2**31 else 0


@registry.action(
    "wecoza_get_learner",
    summary="One learner with lookup names (camelCase), for the learner views",
    nonce_actions=("learners_nonce_action",),
)
def wecoza_get_learner(ctx):
    learner_id = learner_id_from(ctx)
    if not learner_id:
        raise HandlerError(responses.message_error("Invalid learner ID", 400))
    with ctx.transaction() as unit:
        row = queries.mapped_by_id(unit.cursor, learner_id)
    if row is None:
        raise HandlerError(responses.message_error("Learner not found", 400))
    return responses.success(shapes.to_array(row))
