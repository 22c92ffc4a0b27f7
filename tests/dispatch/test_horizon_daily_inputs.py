"""``molten dispatch --days 2`` on a network whose second day has its own fleet and
production: the stored provisional day 2 uses neither the truck out that day nor more
of the smelter's metal than that day releases, and the stored day 1 is tiny's day.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.conftest import copy_tiny
from tests.dispatch.tools import run_molten
from tests.pipeline.test_horizon_daily_inputs import MON, TUE, TUE_ADC12_T, less_adc12_on, out_on


def stored_runs(db_url: str) -> dict[tuple[str, bool], list[tuple[str, str, str, float]]]:
    """(date, provisional) → the stored runs' (truck, smelter, alloy, tonnes)."""
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT v.plan_date, v.provisional, r.truck_id, r.smelter_id, r.alloy, "
                    "r.tonnes FROM plan_runs r JOIN plan_versions v ON r.plan_version_id = v.id"
                )
            ).all()
    finally:
        engine.dispose()
    out: dict[tuple[str, bool], list[tuple[str, str, str, float]]] = defaultdict(list)
    for day, provisional, truck, smelter, alloy, tonnes in rows:
        out[(str(day)[:10], bool(provisional))].append((truck, smelter, alloy, tonnes))
    return out


def test_dispatch_stores_each_day_planned_with_its_own_inputs(tmp_path: Path) -> None:
    net = copy_tiny(tmp_path / "tiny")
    out_on(net, TUE, "T2")
    less_adc12_on(net, TUE)
    db_url = f"sqlite:///{tmp_path / 'molten.db'}"
    done = run_molten(
        "dispatch",
        net,
        "--date",
        MON.isoformat(),
        "--days",
        "2",
        "--db",
        db_url,
        "--solver",
        "greedy",
        "--workers",
        "1",
        "--time-limit",
        "5",
    )
    assert done.returncode == 0, done.stderr
    stored = stored_runs(db_url)
    assert set(stored) == {(MON.isoformat(), False), (TUE.isoformat(), True)}
    monday, tuesday = stored[(MON.isoformat(), False)], stored[(TUE.isoformat(), True)]
    assert "T2" in {r[0] for r in monday}
    assert tuesday and "T2" not in {r[0] for r in tuesday}
    s1_adc12 = [r[3] for r in tuesday if r[1:3] == ("S1", "ADC12")]
    assert 0 < sum(s1_adc12) <= TUE_ADC12_T + 1e-9
