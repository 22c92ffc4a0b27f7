"""From orders to timed truck trips: jobs, smelters, routes, schedules, what is left."""
