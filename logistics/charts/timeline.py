"""A truck's day as timed segments: fill, drive (loaded), pour and return (empty).

The segments follow the plan's runs and the network's travel model:

* **fill**: each ladle's ``fill_start`` → ``fill_end``;
* **drive**: loaded from the smelter (``depart``) to the trip's first caster (its
  ``arrive``), and from caster to caster within a trip;
* **pour**: each ladle's ``pour_start`` → ``pour_end``;
* **return**: empty, from the trip's last pour to the next trip's smelter, or home after
  the last trip (travel-model minutes), and before the first trip from where the truck
  starts its day to the first smelter, ending at the first fill.

Waiting (at a smelter for a fill bay, at a caster for the pour window) is the gap
between segments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from logistics.network.model import Network, TruckStart
from logistics.physics.travel import TravelMatrix, travel_matrix
from logistics.plan.model import Plan, Run

SEGMENT_KINDS = ("fill", "drive", "pour", "return")


@dataclass(frozen=True)
class Segment:
    """One timed piece of a truck's day.

    Attributes
    ----------
    truck_id : str
        The truck.
    trip : int
        Its trip (the return after trip *k* belongs to trip *k*; the drive to the first
        smelter to trip 1).
    kind : str
        ``fill``, ``drive``, ``pour`` or ``return``.
    start, end : datetime
        Timezone-aware.
    run_id : str or None
        The ladle of a fill or pour, the first ladle delivered by a drive; ``None`` for
        a return.
    origin, destination : str
        Site ids (the same for a fill or pour).
    """

    truck_id: str
    trip: int
    kind: str
    start: datetime
    end: datetime
    run_id: str | None
    origin: str
    destination: str


def trips_of(runs: Iterable[Run]) -> dict[str, dict[int, list[Run]]]:
    """Runs grouped by truck and trip number, each trip's runs in pour order."""
    grouped: dict[str, dict[int, list[Run]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        grouped[run.truck_id][run.trip].append(run)
    return {
        truck: {
            trip: sorted(rs, key=lambda r: (r.pour_start, r.run_id)) for trip, rs in trips.items()
        }
        for truck, trips in grouped.items()
    }


def _minutes(travel: TravelMatrix, a: int, b: int) -> timedelta:
    value = float(travel.minutes[a, b])
    return timedelta(minutes=value if value == value and value != float("inf") else 0.0)


def truck_segments(
    network: Network,
    runs: Sequence[Run],
    truck_starts: Sequence[TruckStart] = (),
    travel: TravelMatrix | None = None,
) -> list[Segment]:
    """Every truck's segments, by truck id then time.

    Parameters
    ----------
    network : Network
        Fleet (home smelters) and sites.
    runs : sequence of Run
        The plan's runs (trucks or sites the network lacks are skipped).
    truck_starts : sequence of TruckStart
        Trucks that start their day elsewhere than at home.
    travel : TravelMatrix, optional
        Default :func:`logistics.physics.travel.travel_matrix` of the network.

    Returns
    -------
    list of Segment
    """
    travel = travel or travel_matrix(network)
    starts = {s.truck_id: s for s in truck_starts}
    segments: list[Segment] = []
    known = [
        r
        for r in runs
        if r.truck_id in network.truck_by_id
        and r.smelter_id in network.smelter_by_id
        and r.caster_id in network.caster_by_id
    ]
    for truck_id, trips in sorted(trips_of(known).items()):
        truck = network.truck_by_id[truck_id]
        home = travel.smelter(truck.home_smelter)
        start = starts.get(truck_id)
        here = travel.index(start.site_kind, start.site_id) if start else home
        here_id = start.site_id if start else truck.home_smelter
        numbers = sorted(trips)
        for k, number in enumerate(numbers):
            trip = trips[number]
            first = min(trip, key=lambda r: r.fill_start)
            smelter = travel.smelter(first.smelter_id)
            if k == 0 and here != smelter:
                segments.append(
                    Segment(
                        truck_id,
                        number,
                        "return",
                        first.fill_start - _minutes(travel, here, smelter),
                        first.fill_start,
                        None,
                        here_id,
                        first.smelter_id,
                    )
                )
            for r in sorted(trip, key=lambda r: r.fill_start):
                segments.append(
                    Segment(
                        truck_id,
                        number,
                        "fill",
                        r.fill_start,
                        r.fill_end,
                        r.run_id,
                        r.smelter_id,
                        r.smelter_id,
                    )
                )
            previous: Run | None = None
            for r in trip:
                if previous is None:
                    segments.append(
                        Segment(
                            truck_id,
                            number,
                            "drive",
                            r.depart,
                            r.arrive,
                            r.run_id,
                            r.smelter_id,
                            r.caster_id,
                        )
                    )
                elif r.caster_id != previous.caster_id:
                    segments.append(
                        Segment(
                            truck_id,
                            number,
                            "drive",
                            previous.pour_end,
                            max(previous.pour_end, r.arrive),
                            r.run_id,
                            previous.caster_id,
                            r.caster_id,
                        )
                    )
                segments.append(
                    Segment(
                        truck_id,
                        number,
                        "pour",
                        r.pour_start,
                        r.pour_end,
                        r.run_id,
                        r.caster_id,
                        r.caster_id,
                    )
                )
                previous = r
            assert previous is not None
            last_caster = travel.caster(previous.caster_id)
            if k + 1 < len(numbers):
                nxt = min(trips[numbers[k + 1]], key=lambda r: r.fill_start)
                target, target_id = travel.smelter(nxt.smelter_id), nxt.smelter_id
            else:
                target, target_id = home, truck.home_smelter
            segments.append(
                Segment(
                    truck_id,
                    number,
                    "return",
                    previous.pour_end,
                    previous.pour_end + _minutes(travel, last_caster, target),
                    None,
                    previous.caster_id,
                    target_id,
                )
            )
            here, here_id = target, target_id
    segments.sort(key=lambda s: (s.truck_id, s.start, SEGMENT_KINDS.index(s.kind)))
    return segments


def plan_segments(network: Network, plan: Plan) -> list[Segment]:
    """:func:`truck_segments` of a plan's runs and truck starts."""
    return truck_segments(network, plan.runs, plan.truck_starts)


def busy_intervals(segments: Iterable[Segment]) -> dict[str, list[tuple[datetime, datetime]]]:
    """Per truck, the spans of its trips: from its first segment to its last, per trip.

    A truck is busy from leaving for a trip's smelter (or its first fill) to the end of
    the drive after the trip's last pour, waiting included.
    """
    spans: dict[tuple[str, int], list[datetime]] = {}
    for s in segments:
        span = spans.setdefault((s.truck_id, s.trip), [s.start, s.end])
        span[0] = min(span[0], s.start)
        span[1] = max(span[1], s.end)
    out: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for (truck, _), (a, b) in sorted(spans.items()):
        out[truck].append((a, b))
    return dict(out)
