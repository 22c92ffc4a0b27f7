"""Terminal rendering with rich: the plan summary and the cost table."""

from __future__ import annotations

import math
from typing import Any

from rich.markup import escape
from rich.table import Table

from logistics.check import CheckReport
from logistics.plan.diff import PlanDiff
from logistics.plan.model import Plan


def summary_table(plan: Plan, report: CheckReport) -> Table:
    """The plan's KPIs, its economics and the checker's verdict, one per line.

    A plan that fell back to the dispatcher's (the optimiser failed) shows its status
    ``fallback_dispatcher`` and the reason in yellow.
    """
    s = plan.summary
    table = Table(title=f"Plan {plan.network} {plan.plan_date}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    status = f"{plan.solver.name} / {plan.solver.status}"
    if plan.solver.fell_back:  # the safety net: the dispatcher's plan, the optimiser failed
        table.add_row("[yellow]solver / status[/yellow]", f"[yellow]{escape(status)}[/yellow]")
        table.add_row(
            "[yellow]  optimiser failed[/yellow]", escape(plan.solver.fallback_reason or "")
        )
    else:
        table.add_row("solver / status", escape(status))
    table.add_row("tonnes ordered", f"{s.tonnes_ordered:,.1f} t")
    table.add_row("delivered liquid", f"{s.tonnes_delivered:,.1f} t in {s.ladle_runs} runs")
    if s.runs_fixed:
        table.add_row("  of them kept as planned (facts)", f"{s.runs_fixed} runs")
    if s.delivered_share_of_servable is not None:
        table.add_row("delivered / not excluded outright", f"{s.delivered_share_of_servable:.1%}")
    for reason, tonnes in s.tonnes_unserved.items():
        if tonnes > 0:
            table.add_row(f"unserved: {reason}", f"{tonnes:,.1f} t")
    if s.orders_outside_day:
        table.add_row(
            "orders of other days (not planned)",
            f"{s.orders_outside_day} ({s.tonnes_outside_day:,.1f} t)",
        )
    table.add_row("trucks used", str(s.trucks_used))
    table.add_row("truck-km / truck-hours", f"{s.truck_km:,.0f} km / {s.truck_hours:,.1f} h")
    table.add_row("route cost", f"{s.route_cost_cny:,.0f} CNY")
    table.add_row("superheat", f"{s.superheat_cny:,.0f} CNY")
    if s.min_arrival_margin_c is not None:
        table.add_row("min arrival margin", f"{s.min_arrival_margin_c:.1f} °C")
    if s.expected_cold_ladles is not None:
        table.add_row(
            "expected cold ladles (travel times vary)",
            f"{s.expected_cold_ladles:.2f} (worst {s.worst_cold_run}: "
            f"{s.worst_cold_probability or 0.0:.1%})",
        )
        table.add_row("expected late pours", f"{s.expected_late_ladles:.2f}")
    econ = plan.economics.summary if plan.economics else None
    if econ is not None:
        if econ.cost_cny_t is not None:
            table.add_row(
                "cost per tonne (liquid + ingot for unserved)", f"{econ.cost_cny_t:,.0f} CNY/t"
            )
        table.add_row("saving vs all-ingot day", f"{econ.saving_cny:,.0f} CNY")
        table.add_row("CO2 avoided", f"{econ.co2_avoided_kg / 1000:,.1f} t")
        table.add_row("dross avoided", f"{econ.dross_avoided_t:,.1f} t")
    verdict = (
        "[green]0 violations[/green]"
        if report.ok
        else f"[red]{len(report.violations)} violations[/red]"
    )
    if report.warnings:
        verdict += f", {len(report.warnings)} warnings"
    table.add_row("independent check", verdict)
    table.add_row("wall time", f"{plan.solver.wall_s:.1f} s")
    return table


def diff_table(diff: PlanDiff, facts: int) -> Table:
    """What a re-plan changed: runs kept, moved, new, dropped; newly unserved; deltas."""
    table = Table(title="Changes against the previous plan", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    table.add_row("runs kept (of them under way)", f"{len(diff.kept)} ({facts})")
    table.add_row("runs moved (truck or time)", str(len(diff.moved)))
    table.add_row("runs new", str(len(diff.new)))
    table.add_row("runs dropped", str(len(diff.dropped)))
    for u in diff.newly_unserved:
        table.add_row(f"newly unserved: {u.order_id} ({u.reason})", f"{u.tonnes:,.1f} t")
    table.add_row("route cost change", f"{diff.route_cost_delta_cny:+,.0f} CNY")
    table.add_row("tonnes delivered change", f"{diff.tonnes_delivered_delta:+,.1f} t")
    return table


def _fmt_km(value: float | None) -> str:
    """Whole km, halves rounded up (the rule of the app's and the charts' ``km_text``)."""
    return "—" if value is None else f"{math.floor(value + 0.5):,} km"


def render_cost_report(report: dict[str, Any]) -> Table:
    """The cost report as a terminal table, item by item like the seed table.

    Parameters
    ----------
    report : dict
        From :func:`cost_report`.

    Returns
    -------
    rich.table.Table
        Ingot route and liquid route side by side, totals, saving, the parts of burn
        loss and transport, CO2, dross, break-even, reach and the practical radius.
    """
    d = report["distance_km"]
    table = Table(
        title=f"Cost per tonne: ingot remelting vs liquid supply at {d:g} road km",
        caption=report["practical_radius"]["reason"],
    )
    table.add_column("ingot route")
    table.add_column("CNY/t", justify="right")
    table.add_column("liquid route")
    table.add_column("CNY/t", justify="right")
    ing, liq = report["ingot"]["items"], report["liquid"]["items"]
    for i in range(max(len(ing), len(liq))):
        a = ing[i] if i < len(ing) else None
        b = liq[i] if i < len(liq) else None
        b_label = b["label"] if b else ""
        if b and b["item"] == "burn_and_transport":
            b_label = f"{b_label}, {d:g} km"
        table.add_row(
            a["label"] if a else "",
            f"{a['cny_t']:,.0f}" if a else "",
            b_label,
            f"{b['cny_t']:,.0f}" if b else "",
        )
    table.add_section()
    table.add_row(
        "[b]total[/b]",
        f"[b]{report['ingot']['total_cny_t']:,.0f}[/b]",
        "[b]total[/b]",
        f"[b]{report['liquid']['total_cny_t']:,.0f}[/b]",
    )
    table.add_row("", "", "[b]saving against ingots[/b]", f"[b]{report['saving_cny_t']:,.0f}[/b]")
    table.add_section()
    for part in report["liquid"].get("burn_and_transport_parts", []):
        table.add_row("", "", f"  {part['label']}", f"{part['cny_t']:,.1f}")
    table.add_section()
    co2 = report["co2_kg_t"]
    table.add_row("CO2, kg/t", f"{co2['ingot']:,.1f}", "CO2, kg/t", f"{co2['liquid']:,.1f}")
    table.add_row("", "", "CO2 avoided, kg/t", f"{co2['avoided']:,.1f}")
    dross = report["dross_avoided_per_t"]
    table.add_row(
        "dross made, t/t", f"{dross['t']:.3f}", "dross disposal avoided", f"{dross['cny']:,.0f}"
    )
    table.add_section()
    _radius_rows(table, report)
    return table


def _radius_rows(table: Table, report: dict[str, Any]) -> None:
    """Break-even, reach and radius as priced, then with and without dross disposal."""
    radius = report["practical_radius"]
    by_dross = report["by_dross"]
    counted = "dross disposal counted" if by_dross["counted"] else "dross disposal not counted"
    table.add_row("break-even distance", _fmt_km(report["break_even_km"]), f"({counted})", "")
    table.add_row("thermal reach", _fmt_km(report["thermal_reach_km"]), "", "")
    table.add_row(
        "[b]practical radius[/b]", f"[b]{_fmt_km(radius['km'])}[/b]", f"({radius['binding']})", ""
    )
    table.add_section()
    for key, words in (("with_dross", "with"), ("without_dross", "without")):
        case = by_dross[key]
        table.add_row(
            f"break-even, {words} dross disposal",
            _fmt_km(case["break_even_km"]),
            f"practical radius, {words} dross",
            f"{_fmt_km(case['radius_km'])} ({case['binding']})",
        )
    lo, hi = by_dross["practised_km"]
    table.add_row("longest deliveries practised in China", f"{lo:,.0f}–{hi:,.0f} km", "", "")
