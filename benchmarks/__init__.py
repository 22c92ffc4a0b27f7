"""Benchmarks of the routing core against the literature and of the planner at scale."""
