"""The route map: one path per trip, a view fitted to the work in pixels, labels that do not
collide, arrows to far sites, and a plain base that asks no server for anything."""

from __future__ import annotations

import base64
import json
import math

import networkx as nx
import pytest

from logistics import PlanOutcome, load_network
from logistics.charts import network_map
from logistics.charts.map import PLAIN_STYLE, focus_points, initial_frame
from logistics.charts.mapview import (
    CHAR_PX,
    LINE_PX,
    PAD_PX,
    TILE_PX,
    MapFrame,
    bulk,
    fit,
    mercator_y,
    text_box,
)
from logistics.network.model import Caster, Network, Order
from tests.conftest import TEST_DATA


def _layer(deck, layer_id: str):
    return next(layer for layer in deck.layers if layer.id == layer_id)


def _ids(deck) -> set[str]:
    return {layer.id for layer in deck.layers}


@pytest.fixture(scope="module")
def prd() -> Network:
    return load_network(TEST_DATA / "pearl_river_delta")


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


def test_trip_lines_are_visible_and_coloured_per_truck(
    tiny: Network, tiny_outcome: PlanOutcome
) -> None:
    layer = _layer(network_map(tiny, tiny_outcome.plan.runs), "routes")
    assert layer.width_min_pixels >= 2
    colours = {row["truck_id"]: tuple(row["color"]) for row in layer.data}
    assert len(set(colours.values())) == len(colours)  # one colour per truck
    for red, green, blue, alpha in colours.values():
        assert alpha >= 200
        # no pale tint: readable as a thin line on the light map
        assert 0.299 * red + 0.587 * green + 0.114 * blue < 200


def test_sites_and_tooltips(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    deck = network_map(tiny, tiny_outcome.plan.runs)
    assert len(_layer(deck, "smelters").data) == len(tiny.smelters)
    assert len(_layer(deck, "casters").data) == len(tiny.casters)
    for layer_id in ("smelters", "casters", "routes"):
        assert all(row["name"] and row["info"] for row in _layer(deck, layer_id).data)
    assert "{name}" in deck._tooltip["html"]


def test_without_a_basemap_the_map_asks_no_server_for_anything(tiny: Network) -> None:
    plain = network_map(tiny)
    assert plain.map_provider is None and plain.map_style == PLAIN_STYLE
    # the style is inline: a background colour, no source to fetch
    style = json.loads(base64.b64decode(PLAIN_STYLE.split(",", 1)[1]))
    assert style["sources"] == {} and [layer["type"] for layer in style["layers"]] == ["background"]
    document = plain.to_json()
    assert "http" not in document and "mapStyle" in document
    assert {"routes", "casters", "smelters", "labels", "grid", "scale"} <= _ids(plain)
    assert not _layer(plain, "routes").data
    with_tiles = network_map(tiny, basemap=True)
    assert with_tiles.map_provider == "carto" and "cartocdn" in with_tiles.map_style
    assert "grid" not in _ids(with_tiles) and "roads" not in _ids(with_tiles)


def test_a_network_with_a_road_graph_draws_its_roads_instead_of_the_grid(tiny: Network) -> None:
    graph = nx.MultiDiGraph()
    sites = [*tiny.smelters, *tiny.casters]
    for i, site in enumerate(sites):
        graph.add_node(i, x=site.lon, y=site.lat)
    for i in range(len(sites) - 1):
        graph.add_edge(i, i + 1, length=1000.0)
        graph.add_edge(i + 1, i, length=1000.0)
    deck = network_map(tiny.model_copy(update={"road_graph": graph}))
    assert "grid" not in _ids(deck)
    roads = _layer(deck, "roads").data
    assert len(roads) == len(sites) - 1  # each road once, not once per direction
    assert roads[0]["path"] == [[sites[0].lon, sites[0].lat], [sites[1].lon, sites[1].lat]]


def test_the_projection_is_deck_gls_web_mercator() -> None:
    frame = MapFrame(latitude=23.0, longitude=113.0, zoom=8.0, width_px=800, height_px=500)
    # at zoom z the world is 512 · 2**z pixels wide (deck.gl's TILE_SIZE)
    x0, _ = frame.to_px(23.0, 113.0)
    x1, _ = frame.to_px(23.0, 114.0)
    assert x0 == pytest.approx(400.0) and x1 - x0 == pytest.approx(TILE_PX * 2**8 / 360.0)
    for lat, lon in ((23.0, 113.0), (22.1, 112.3), (24.7, 114.9)):
        assert frame.to_lonlat(*frame.to_px(lat, lon)) == pytest.approx((lon, lat))


def test_the_view_fits_the_points_to_the_maps_pixels() -> None:
    points = [(22.5, 112.8), (23.4, 113.9), (22.9, 113.2), (23.1, 112.95)]
    for width, height in ((820, 520), (400, 700), (1400, 300)):
        frame = fit(points, width, height)
        for lat, lon in points:
            assert frame.contains(lat, lon, margin_px=PAD_PX - 0.5)
        xs, ys = zip(*(frame.to_px(lat, lon) for lat, lon in points), strict=True)
        # tight in one direction: the points span the usable width or height
        used_w = (max(xs) - min(xs)) / (width - 2 * PAD_PX)
        used_h = (max(ys) - min(ys)) / (height - 2 * PAD_PX)
        assert max(used_w, used_h) == pytest.approx(1.0, abs=0.01)
        # the formula: log2(width · 360 / (512 · Δlon)) and log2(height · 2π / (512 · Δy))
        zoom_x = math.log2((width - 2 * PAD_PX) * 360 / (TILE_PX * (113.9 - 112.8)))
        span_y = mercator_y(23.4) - mercator_y(22.5)
        zoom_y = math.log2((height - 2 * PAD_PX) * 2 * math.pi / (TILE_PX * span_y))
        assert frame.zoom == pytest.approx(min(zoom_x, zoom_y), abs=0.001)


def test_a_far_outlier_is_left_out_of_the_bulk() -> None:
    cluster = [(22.5 + 0.1 * (i % 5), 112.8 + 0.12 * (i // 5)) for i in range(30)]
    assert all(bulk(cluster))
    near = (23.2, 113.5)  # 33 km beyond a cluster 44 km across: still part of the region
    far = (22.76, 108.4)  # Nanning, 450 km west
    keep = bulk([*cluster, near, far])
    assert keep[:-1] == [True] * 31 and keep[-1] is False
    assert all(bulk([(22.0, 112.0), (30.0, 120.0), (25.0, 118.0)]))  # too few to judge


def test_the_prd_map_opens_on_the_delta_and_points_to_nanning(prd: Network) -> None:
    deck = network_map(prd, width_px=820, height=520)
    view = deck.initial_view_state
    frame = initial_frame(prd, width_px=820, height_px=520)
    assert (view.latitude, view.longitude, view.zoom) == (
        frame.latitude,
        frame.longitude,
        frame.zoom,
    )
    nanning = prd.caster_by_id["PRD-C48"]
    assert not frame.contains(nanning.lat, nanning.lon)
    # the centre stays over the delta, not in the empty country towards Nanning
    delta = [
        p
        for p, keep in zip(focus_points(prd, (), ()), bulk(focus_points(prd, (), ())), strict=True)
        if keep
    ]
    assert min(p[1] for p in delta) <= view.longitude <= max(p[1] for p in delta)
    # about two levels closer than the old span-only zoom, log2(360 / span) − 0.8
    lats = [p[0] for p in focus_points(prd, (), ())]
    lons = [p[1] for p in focus_points(prd, (), ())]
    old = math.log2(360 / max(max(lats) - min(lats), (max(lons) - min(lons)) * 0.8)) - 0.8
    assert view.zoom >= old + 1.5
    arrows = _layer(deck, "off_map_labels").data
    (west,) = [a for a in arrows if "PRD-C48" in a["text"]]
    assert west["text"].endswith(" W") and "km" in west["text"]
    assert frame.contains(west["position"][1], west["position"][0])  # the arrow is on screen
    assert _layer(deck, "off_map").data  # and drawn


def test_a_far_caster_does_not_move_the_view(prd: Network) -> None:
    lonely = Caster(
        caster_id="FAR",
        name="far away",
        lat=30.0,
        lon=104.0,
        open=prd.casters[0].open,
        close=prd.casters[0].close,
        min_pour_c=680.0,
        unload_min=15.0,
    )
    order = prd.day_orders[0].model_copy(update={"order_id": "FAR-1", "caster_id": "FAR"})
    assert isinstance(order, Order)
    wider = prd.model_copy(
        update={"casters": (*prd.casters, lonely), "orders": (*prd.orders, order)}
    )
    assert initial_frame(wider) == initial_frame(prd)
    texts = [a["text"] for a in _layer(network_map(wider), "off_map_labels").data]
    assert any(t.startswith("FAR:") for t in texts)


def test_labels_never_collide_and_stay_in_view(prd: Network) -> None:
    deck = network_map(prd, candidates=prd.candidates, chosen_candidates=["PRD-N01"])
    frame = initial_frame(prd, candidates=prd.candidates)
    labels = _layer(deck, "labels").data
    assert 5 <= len(labels) < len(prd.smelters) + len(prd.casters) + len(prd.candidates)
    boxes = [text_box(frame, *row["position"], row["text"], 16) for row in labels]
    boxes += [
        text_box(frame, *row["position"], row["text"])
        for row in _layer(deck, "off_map_labels").data
    ]
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[2] <= frame.width_px and a[1] >= 0 and a[3] <= frame.height_px
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    assert boxes[0][2] - boxes[0][0] == pytest.approx(len(labels[0]["text"]) * CHAR_PX + 4)
    assert boxes[0][3] - boxes[0][1] == LINE_PX
    # the unlabelled sites still have their tooltip
    assert all(row["name"] for row in _layer(deck, "casters").data)


def test_the_scale_bar_is_a_round_length_true_on_the_ground(prd: Network) -> None:
    deck = network_map(prd)
    frame = initial_frame(prd)
    (label,) = _layer(deck, "scale_label").data
    km = float(label["text"].removesuffix(" km"))
    assert km in {1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500}
    bar = _layer(deck, "scale").data[0]["path"]
    (x0, _), (x1, _) = (frame.to_px(lat, lon) for lon, lat in bar)
    assert (x1 - x0) * frame.metres_per_px() / 1000 == pytest.approx(km, rel=0.01)


def test_highlight_fades_the_other_trucks(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    runs = tiny_outcome.plan.runs
    chosen = runs[0].truck_id
    routes = _layer(network_map(tiny, runs, highlight_trucks=[chosen]), "routes").data
    for row in routes:
        assert (row["color"][3] > 200) is (row["truck_id"] == chosen)


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
