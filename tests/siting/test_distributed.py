"""The same study on a Dask cluster and in a local process pool gives the same ranking."""

from __future__ import annotations

import pytest

from logistics.errors import InputError
from logistics.siting import run_study
from tests.siting.conftest import siting_study

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def _without_wall_times(result):
    return [{k: v for k, v in row.items()} for row in result.ranking()]


def test_dask_and_local_processes_rank_alike(cluster):
    study = siting_study(days=2, simulate=2)
    seen = []
    on_dask = run_study(study, scheduler=cluster.scheduler_address, progress=seen.append)
    local = run_study(study, workers=2)
    assert _without_wall_times(on_dask) == _without_wall_times(local)
    for key in local.tasks:
        assert on_dask.plan(key).runs == local.plan(key).runs
    done = [e for e in seen if e.stage == "simulate" and e.done]
    assert done[-1].done == done[-1].total == len(local.tasks)


def test_a_threaded_cluster_is_refused():
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as threaded,
        pytest.raises(InputError, match="--nthreads 1"),
    ):
        run_study(siting_study(days=1, simulate=1), scheduler=threaded.scheduler_address)
