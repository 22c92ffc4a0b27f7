"""The seed cost table and a helper that changes `[economics]` figures (economics tests)."""

from __future__ import annotations

from logistics.network.params import Params

SEED_INGOT = {
    "energy": 400,
    "furnace_depreciation": 50,
    "burn_loss": 400,
    "labour": 50,
    "sundries": 30,
}
SEED_LIQUID = {
    "holding": 70,
    "equipment_depreciation": 50,
    "burn_and_transport": 350,
    "special_vehicle": 100,
    "sundries": 30,
}


def with_eco(params: Params, **updates: object) -> Params:
    """Params with some ``[economics]`` figures changed (validated, as network.toml would)."""
    data = params.model_dump()
    for key, value in updates.items():
        if isinstance(value, dict):
            data["economics"][key].update(value)
        else:
            data["economics"][key] = value
    return Params.model_validate(data)
