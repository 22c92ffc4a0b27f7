"""Plan a day from Python: load a network, plan it, write the folder, read it back, check.

Run from the repository root::

    .venv/bin/python docs/examples/library_use.py [NETWORK_FOLDER] [OUT_FOLDER]
"""

import sys

from logistics import PlanOptions, check, load_network, plan_day, read_plan, write_plan


def main(network_dir: str = "sample_networks/tiny", out_dir: str = "plans/tiny") -> None:
    network = load_network(network_dir)  # InputError names file, row and column
    options = PlanOptions(time_limit_s=10)  # solver, seed, workers …: one object
    outcome = plan_day(network, options)  # plan, independent check, economics
    plan = outcome.plan
    s = plan.summary
    print(f"{plan.network} {plan.plan_date}: {outcome.report.runs_checked} runs checked, "
          f"{len(outcome.report.violations)} violations")  # fmt: skip
    print(f"delivered {s.tonnes_delivered:.1f} of {s.tonnes_ordered:.1f} t in {s.ladle_runs} runs")
    print(f"route cost {s.route_cost_cny:,.0f} CNY; saving against ingots "
          f"{plan.economics.summary.saving_cny:,.0f} CNY")  # fmt: skip
    for reason, tonnes in s.tonnes_unserved.items():
        if tonnes:
            print(f"  unserved ({reason}): {tonnes:.1f} t")

    write_plan(plan, out_dir)  # runs.csv, unserved.csv, plan.json; atomically
    again = read_plan(out_dir, network)
    assert again == plan  # the folder round-trips field for field
    assert check(network, again).ok  # and the checker still agrees


if __name__ == "__main__":  # the guard matters: large days are planned in processes
    main(*sys.argv[1:3])
