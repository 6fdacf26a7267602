"""What one analysis's stored parts are worth to the rollout gates: whether its contract is valid
(remembered by its stored text) and whether its `portfolio_action_v2` can be acted on."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping

from analysis.contract import is_valid_signal_contract_v2
from core.numeric import finite_number
from portfolio.optimizer import ACTIONS as OPTIMIZER_ACTIONS

#: The keys a parseable `portfolio_action_v2` carries as finite numbers.
PORTFOLIO_ACTION_WEIGHTS = ("target_weight", "current_weight", "delta_weight")


def _finite(value: object) -> bool:
    return finite_number(value) is not None


def is_parseable_portfolio_action(value: object) -> bool:
    """A `portfolio_action_v2` a client can act on, in ours or the earlier system's format.

    Ours: a known ``action``, finite numeric target/current/delta weights. The earlier
    optimizer's (on databases adopted mid-rollout): a known ``recommended_action`` and a
    finite ``target_delta_pct``, as its own gate required. Both need a ``constraint_trace``
    list. The optimizer's failure stub (``{"action": "hold", "error": ...}``) is not parseable.
    """
    if not isinstance(value, Mapping) or not isinstance(value.get("constraint_trace"), list):
        return False
    if value.get("action") in OPTIMIZER_ACTIONS and all(
        _finite(value.get(key)) for key in PORTFOLIO_ACTION_WEIGHTS
    ):
        return True
    action = value.get("recommended_action")
    earlier_action = action.strip() if isinstance(action, str) else None
    return earlier_action in OPTIMIZER_ACTIONS and _finite(value.get("target_delta_pct"))


class _ContractValidity:
    """Whether a stored contract is valid, remembered by a digest of its stored text.

    Validating one contract against the JSON Schema costs ~2.7 ms (profiled), and the status
    validates every contract in its window on each call: 1,650 of them took 4.5 s. Validity is a
    function of the text alone (the schema is fixed for a process), so a contract rewritten by
    the backfill has a new digest and is validated afresh. Bounded, oldest dropped first.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._known: OrderedDict[bytes, bool] = OrderedDict()

    def is_valid(self, text: str) -> bool:
        key = hashlib.blake2b(text.encode(), digest_size=16).digest()
        with self._lock:
            known = self._known.get(key)
        if known is not None:
            return known
        valid = is_valid_signal_contract_v2(json.loads(text))
        with self._lock:
            self._known[key] = valid
            while len(self._known) > self.capacity:
                self._known.popitem(last=False)
        return valid


contract_validity = _ContractValidity()
