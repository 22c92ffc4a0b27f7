"""Which trucks a smelter's ladle pool can serve at all: the pool's fixed fit rule.

With a ladle pool (``ladles.csv``) every run takes a ladle of its smelter's pool, and
the ladle pass (:mod:`.ladles`) gives a run only a ladle that holds its tonnes, is
insulated at least as well as the truck (``tau_h``: the plan's arrival temperatures
are the truck's) and has fills left before relining. Whether such a ladle exists at
all does not depend on the time of day, so it is known before routing: a truck whose
``tau_h`` no ladle of a smelter reaches can never fill there. The router
(:mod:`.ladle_model`, the vehicles allowed per job) and the trip timing
(:mod:`.schedule`) see this rule, so the search spends no time on fills the pass would
take off afterwards (on the Pearl River Delta sample, one of whose smelters has only
ladles of 25 h, a 60 s plan lost 85 t of 176 t this way).

Without a pool every truck fits everywhere and nothing here changes the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from logistics.network.ladles import Ladle

_EPS = 1e-9


@dataclass(frozen=True)
class PoolFit:
    """The ladles of each smelter's pool that can still be filled, by their fit.

    Attributes
    ----------
    pooled : bool
        Whether the network has a ladle pool (without one every fit holds).
    sizes : dict of str to tuple of (float, float)
        ``smelter_id ->`` ``(capacity_t, tau_h)`` of each of its ladles with fills left
        before relining (t, h).
    """

    pooled: bool
    sizes: dict[str, tuple[tuple[float, float], ...]]

    @classmethod
    def of(cls, ladles: Sequence[Ladle]) -> PoolFit:
        """The fit of ``ladles`` (a network's ``ladles``; empty: no pool)."""
        sizes: dict[str, set[tuple[float, float]]] = defaultdict(set)
        for ladle in ladles:
            if ladle.fills_left_before_relining > 0:
                sizes[ladle.home_smelter].add((ladle.capacity_t, ladle.tau_h))
        return cls(bool(ladles), {s: tuple(sorted(v)) for s, v in sizes.items()})

    def holds(self, smelter_id: str, tonnes: float, tau_h: float) -> bool:
        """Whether a ladle of ``smelter_id``'s pool holds ``tonnes`` t for a truck of
        ``tau_h`` h (always, without a pool)."""
        if not self.pooled:
            return True
        return any(
            capacity >= tonnes - 1e-6 and ladle_tau >= tau_h - _EPS
            for capacity, ladle_tau in self.sizes.get(smelter_id, ())
        )
