"""What a session holds: the chosen network, its order book, which casters are on managed
supply, the current and previous plan, the values of the pages' widgets and the files
uploaded.

Expensive inputs are cached for the whole app with ``st.cache_resource``: the loaded
network per folder, date and file times, its travel matrix, and the worker pool.

Streamlit forgets a widget's value when its page is not drawn. The values of the
widgets in :data:`KEPT_WIDGETS` are remembered under a key of their own
(:func:`keep_widget_values`, called before every page) and handed back as the widget's
default when its page is drawn again (:func:`kept`); uploaded files are kept as bytes
(:func:`kept_file`), since an upload widget cannot be given a file.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from logistics.app.config import start_network, worker_count
from logistics.app.uploads import SessionFolders, sweep_leftovers
from logistics.errors import InputError
from logistics.network.loader import load_network
from logistics.network.model import Network, Order
from logistics.physics.travel import Travel
from logistics.pipeline import PlanOutcome
from logistics.pipeline.supply_switch import supplied_casters, switch_supply
from logistics.pipeline.workers import Task, Workers


@st.cache_resource(show_spinner=False)
def cleaned_leftovers() -> int:
    """Once per app process: remove upload folders left by apps that are gone; how many."""
    return len(sweep_leftovers())


@st.cache_resource(show_spinner=False)
def workers() -> Workers:
    """The app's worker processes (one pool for every session)."""
    return Workers(worker_count())


def folder_signature(folder: Path) -> tuple:
    """Names, sizes and modification times of a folder's files (cache key)."""
    if not folder.is_dir():
        return ()
    return tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    )


@st.cache_resource(show_spinner="Loading the network…", max_entries=16)
def _load(folder: str, plan_date: date | None, signature: tuple) -> Network:
    return load_network(folder, plan_date)


@st.cache_resource(show_spinner="Computing distances…", max_entries=16)
def _travel(folder: str, plan_date: date | None, signature: tuple, _network: Network) -> Travel:
    return Travel.of(_network)


@dataclass(frozen=True)
class PlanView:
    """A plan on screen: the outcome, the network it was made for, where it came from.

    Attributes
    ----------
    outcome : PlanOutcome
        The checked plan and its economics.
    network : Network
        The network the plan is for (a re-plan's: orders and fleet as changed).
    source : str
        Where the plan came from (solver and limit, a re-plan at 10:00, a stored version).
    now : datetime, optional
        For an accepted re-plan: the moment it was made (timezone-aware); runs poured
        by then show as done, runs filled or on the road as under way.
    frozen : frozenset of str
        For an accepted re-plan: ids of the runs kept as they were (under way at ``now``).
    unavailable_trucks : tuple of str
        Trucks out of service from ``now`` on: not counted on shift in the fleet chart,
        and taken out again by default in the next re-plan.
    """

    outcome: PlanOutcome
    network: Network
    source: str
    now: datetime | None = None
    frozen: frozenset[str] = field(default_factory=frozenset)
    unavailable_trucks: tuple[str, ...] = ()


# -- the network ----------------------------------------------------------------------
def network_folder() -> Path:
    """The chosen network folder (the start network until the user picks another)."""
    if "network_folder" not in st.session_state:
        st.session_state["network_folder"] = str(start_network())
    return Path(st.session_state["network_folder"])


def choose_network(folder: Path, plan_date: date | None = None) -> None:
    """Switch to another network folder (its own plan date unless one is given)."""
    if str(folder) != st.session_state.get("network_folder") or plan_date != st.session_state.get(
        "plan_date"
    ):
        st.session_state["network_folder"] = str(folder)
        st.session_state["plan_date"] = plan_date
        st.session_state.pop("orders_override", None)
        st.session_state.pop("supply_override", None)


def plan_date() -> date | None:
    """The chosen plan date (``None``: the network's own)."""
    return st.session_state.get("plan_date")


def base_network() -> Network:
    """The chosen network as its folder holds it (cached).

    Raises
    ------
    InputError
        The loader's problems with the folder.
    """
    folder = network_folder()
    return _load(str(folder), plan_date(), folder_signature(folder))


def order_book_network() -> Network:
    """The chosen network with the session's order book (the folder's supply).

    Raises
    ------
    InputError
        The loader's problems with the folder.
    """
    network = base_network()
    orders = st.session_state.get("orders_override")
    if orders is not None:
        network = network.model_copy(update={"orders": tuple(orders)})
    return network


def current_network() -> Network:
    """The chosen network with the session's order book and managed-supply switch.

    Raises
    ------
    InputError
        The loader's problems with the folder.
    """
    network = order_book_network()
    switch = supply_override()
    if switch is not None:  # casters whose furnace left the folder's file are dropped
        managed = [c for c in switch[0] if c in supplied_casters(network)]
        network = switch_supply(network, managed, own_rule=switch[1])
    return network


def current_travel() -> Travel:
    """The chosen network's travel model (cached; the same for any order book).

    Built once per network folder and handed explicitly to the solves (in the worker
    processes), the checker, the economics and the charts.

    Raises
    ------
    InputError
        The loader's problems with the folder.
    """
    folder = network_folder()
    return _travel(str(folder), plan_date(), folder_signature(folder), base_network())


def network_or_none() -> Network | None:
    """:func:`current_network`, or ``None`` when the folder has problems."""
    try:
        return current_network()
    except InputError:
        return None


def set_orders(orders: tuple[Order, ...] | None) -> None:
    """Plan with these orders from now on (``None``: the folder's again)."""
    if orders is None:
        st.session_state.pop("orders_override", None)
    else:
        st.session_state["orders_override"] = tuple(orders)


def orders_edited() -> bool:
    """Whether the session plans with an edited order book."""
    return st.session_state.get("orders_override") is not None


def set_supply(managed: tuple[str, ...] | None, own_rule: bool = True) -> None:
    """Plan with exactly these casters on managed supply (``None``: the folder's again).

    ``own_rule``: a caster switched to orders orders by the casters' own rule
    (:func:`logistics.pipeline.supply_switch.switch_supply`).
    """
    if managed is None:
        st.session_state.pop("supply_override", None)
    else:
        st.session_state["supply_override"] = (tuple(managed), own_rule)


def supply_override() -> tuple[tuple[str, ...], bool] | None:
    """The session's managed casters and ``own_rule``, or ``None`` (the folder's supply)."""
    return st.session_state.get("supply_override")


# -- plans ----------------------------------------------------------------------------
def current_plan() -> PlanView | None:
    """The plan on screen."""
    return st.session_state.get("current_plan")


def previous_plan() -> PlanView | None:
    """The plan shown before the current one (for the changes in the KPI cards)."""
    return st.session_state.get("previous_plan")


def show_plan(view: PlanView) -> None:
    """Make ``view`` the current plan; the current one becomes the previous."""
    if not view.outcome.ok:
        raise ValueError("a plan with violations is never shown as the current plan")
    current = current_plan()
    if current is not None:
        st.session_state["previous_plan"] = current
    st.session_state["current_plan"] = view
    st.session_state["plan_serial"] = plan_serial() + 1


def plan_serial() -> int:
    """A number that changes whenever another plan is shown (a scope for :func:`kept`)."""
    return st.session_state.get("plan_serial", 0)


# -- tasks ----------------------------------------------------------------------------
def task(key: str) -> Task | None:
    """The session's running task under ``key``."""
    return st.session_state.get(f"task:{key}")


def set_task(key: str, value: Task | None) -> None:
    """Remember (or forget) the session's task under ``key``."""
    if value is None:
        st.session_state.pop(f"task:{key}", None)
    else:
        st.session_state[f"task:{key}"] = value


# -- widgets and uploads across pages --------------------------------------------------
#: Widgets whose value the session keeps while their page is not drawn, by page.
KEPT_WIDGETS: tuple[str, ...] = (
    # Plan
    "plan_solver",
    "plan_limit",
    "plan_tab",
    "basemap",
    "map_trucks",
    "ladle_choice",
    # Orders: the urgent-order form
    *(f"urgent_{k}" for k in ("id", "caster", "alloy", "t", "from", "to", "placed")),
    # Re-plan
    "replan_now",
    "replan_out",
    "replan_solver",
    "replan_limit",
    "replan_mode_choice",
    *(f"replan_urgent_{k}" for k in ("id", "caster", "alloy", "t", "from", "to", "placed")),
    # Check
    "check_source",
    "check_plan_unserved",
    # Economics
    "eco_km",
    "eco_vary",
    "eco_spread",
    # History
    "history_network",
    "history_date",
    "history_version",
    "history_from",
    "history_to",
    # Siting
    "siting_candidates",
    "siting_grid",
    "siting_grid_km",
    "siting_k",
    "siting_days",
    "siting_simulate",
    "siting_solver",
    "siting_limit",
    "siting_value",
)
_KEPT = "kept_widget_values"
_SCOPES = "kept_widget_scopes"


def keep_widget_values(keys: Iterable[str] = KEPT_WIDGETS) -> None:
    """Before a page is drawn: remember the values of the widgets drawn in the last run.

    A widget drawn in the previous run still has its value (Streamlit drops it only at
    the end of a run that does not draw it): it is remembered, for :func:`kept` to hand
    back when the widget's page is drawn again.
    """
    remembered = st.session_state.setdefault(_KEPT, {})
    for key in keys:
        if key in st.session_state:
            remembered[key] = st.session_state[key]


def kept(
    key: str,
    default: Any,
    *,
    scope: Hashable = None,
    options: Sequence[Any] | None = None,
) -> Any:
    """The value to draw widget ``key`` with: the one the session kept, else ``default``.

    Pass it as the widget's ``value``/``default`` (or its ``index``): a widget shows its
    default when its page is drawn again, so this is how it shows what was chosen
    before the dispatcher went to another page. (Setting the value under the widget's
    key instead changes the server's value but not what the browser shows.)

    Parameters
    ----------
    key : str
        The widget's key (one of :data:`KEPT_WIDGETS`).
    default : Any
        The value when nothing is kept, or what is kept no longer applies.
    scope : hashable, optional
        What the value belongs to (a plan: :func:`plan_serial`; a network): a value
        kept under another scope is forgotten.
    options : sequence, optional
        The widget's options: a kept value that is not one of them (a list: its items
        that are not) is dropped.

    Returns
    -------
    Any
        The kept value (valid for ``options``), or ``default``.
    """
    remembered = st.session_state.setdefault(_KEPT, {})
    scopes = st.session_state.setdefault(_SCOPES, {})
    if key in scopes and scopes[key] != scope:
        remembered.pop(key, None)
        if key in st.session_state:  # drawn just before, for the old scope: start afresh
            st.session_state[key] = default
    scopes[key] = scope
    if key not in remembered:
        return default
    value = remembered[key]
    if options is not None:
        if isinstance(value, list | tuple):
            return [v for v in value if v in options]
        if value not in options:
            return default
    return value


def kept_index(key: str, options: Sequence[Any], *, scope: Hashable = None) -> int:
    """The position in ``options`` to draw choice widget ``key`` at (:func:`kept`).

    The option the session kept for it, else the first.
    """
    return list(options).index(kept(key, options[0], scope=scope, options=options))


@dataclass(frozen=True)
class KeptFile:
    """An uploaded file kept by the session: its name and bytes."""

    name: str
    data: bytes

    @property
    def kilobytes(self) -> float:
        """Size, kB."""
        return len(self.data) / 1000.0


def keep_upload(key: str) -> Callable[[], None]:
    """The ``on_change`` of the upload widget ``key``: keep its file, or forget it."""

    def changed() -> None:
        files = st.session_state.setdefault("kept_files", {})
        upload = st.session_state.get(key)
        if upload is None:
            files.pop(key, None)
        else:
            files[key] = KeptFile(upload.name, upload.getvalue())

    return changed


def kept_file(key: str) -> KeptFile | None:
    """The file last uploaded with widget ``key`` (kept across pages), or ``None``."""
    return st.session_state.get("kept_files", {}).get(key)


def forget_file(key: str) -> None:
    """Forget the file kept for the upload widget ``key``."""
    st.session_state.get("kept_files", {}).pop(key, None)


def session_folders() -> SessionFolders:
    """The temporary folders of this session's uploads, removed when the session ends."""
    if "upload_folders" not in st.session_state:
        st.session_state["upload_folders"] = SessionFolders()
    return st.session_state["upload_folders"]
