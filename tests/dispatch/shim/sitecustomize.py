"""Test-only faults for ``molten dispatch`` in a subprocess, chosen by ``MOLTEN_TEST_FAULT``.

``internal``: the planner raises RuntimeError.
``violations``: the plan gets one run with a tap temperature far above the smelter's
range, and the real checker's report on that plan is returned. The tests put this
folder on ``PYTHONPATH``; Python imports ``sitecustomize`` at start-up.
"""

from __future__ import annotations

import os

_FAULT = os.environ.get("MOLTEN_TEST_FAULT")

if _FAULT:
    import logistics.dispatch.job as _job
    from logistics.check import check
    from logistics.pipeline import PlanOutcome

    _real_plan_day = _job.plan_day

    def _faulty_plan_day(network, *args, **kwargs):  # type: ignore[no-untyped-def]
        if _FAULT == "internal":
            raise RuntimeError("injected for a test")
        outcome = _real_plan_day(network, *args, **kwargs)
        if _FAULT != "violations":
            return outcome
        runs = list(outcome.plan.runs)
        runs[0] = runs[0].model_copy(update={"tap_c": 2000.0})
        broken = outcome.plan.model_copy(update={"runs": tuple(runs)})
        return PlanOutcome(broken, check(network, broken), outcome.economics, outcome.travel)

    _job.plan_day = _faulty_plan_day
