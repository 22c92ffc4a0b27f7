"""The route map: one path per trip from its smelter through its casters, basemap or none."""

from __future__ import annotations

import json

from logistics import PlanOutcome
from logistics.charts import network_map
from logistics.network.model import Network


def _layer(deck, layer_id: str):
    return next(layer for layer in deck.layers if layer.id == layer_id)


def test_one_route_path_per_trip(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    runs = tiny_outcome.plan.runs
    routes = _layer(network_map(tiny, runs), "routes").data
    trips = {(r.truck_id, r.trip) for r in runs}
    assert len(routes) == len(trips)
    assert {(row["truck_id"], row["trip"]) for row in routes} == trips
    for row in routes:
        trip = sorted(
            (r for r in runs if (r.truck_id, r.trip) == (row["truck_id"], row["trip"])),
            key=lambda r: r.pour_start,
        )
        smelter = tiny.smelter_by_id[trip[0].smelter_id]
        assert row["path"][0] == [smelter.lon, smelter.lat]
        casters = []
        for r in trip:
            if not casters or casters[-1] != r.caster_id:
                casters.append(r.caster_id)
        assert row["path"][1:] == [
            [tiny.caster_by_id[c].lon, tiny.caster_by_id[c].lat] for c in casters
        ]


def test_sites_and_tooltips(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    deck = network_map(tiny, tiny_outcome.plan.runs)
    assert len(_layer(deck, "smelters").data) == len(tiny.smelters)
    assert len(_layer(deck, "casters").data) == len(tiny.casters)
    for layer_id in ("smelters", "casters", "routes"):
        assert all(row["name"] and row["info"] for row in _layer(deck, layer_id).data)
    assert "{name}" in deck._tooltip["html"]


def test_no_basemap_by_default_and_carto_when_asked(tiny: Network) -> None:
    plain = network_map(tiny)
    assert plain.map_provider is None and plain.map_style is None
    assert not _layer(plain, "routes").data
    with_tiles = network_map(tiny, basemap=True)
    assert with_tiles.map_provider == "carto" and with_tiles.map_style
    document = json.loads(plain.to_json())
    assert {layer["id"] for layer in document["layers"]} == {
        "routes",
        "casters",
        "smelters",
        "labels",
    }


def test_highlight_fades_the_other_trucks(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    runs = tiny_outcome.plan.runs
    chosen = runs[0].truck_id
    routes = _layer(network_map(tiny, runs, highlight_trucks=[chosen]), "routes").data
    for row in routes:
        assert (row["color"][3] == 200) is (row["truck_id"] == chosen)


def test_candidate_sites_are_drawn_and_the_chosen_filled(tiny: Network) -> None:
    from logistics.network.model import Candidate

    sites = (
        Candidate(site_id="K1", name="one", lat=22.8, lon=113.0, capex_cny=1e8, rate_tph=8),
        Candidate(site_id="K2", name="two", lat=22.9, lon=112.8, capex_cny=1e8, rate_tph=8),
    )
    deck = network_map(tiny, candidates=sites, chosen_candidates=["K2"])
    rows = _layer(deck, "candidates").data
    assert [r["label"] for r in rows] == ["K1", "K2"]
    assert [r["fill"][3] > 0 for r in rows] == [False, True]
