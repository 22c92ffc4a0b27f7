"""What-if siting: where should the next smelter go? (``molten site``)."""
