"""A package's public names imported when first used (PEP 562), so that importing the
package loads none of the heavy modules behind them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_attributes(package: str, public: Mapping[str, str]) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package``: each name of ``public`` imported from
    its module when first used, then kept in the package.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    public : mapping of str to str
        Public name → the module it lives in.

    Returns
    -------
    callable
        ``__getattr__(name)``, raising :class:`AttributeError` for any other name.
    """

    def attribute(name: str) -> Any:
        module = public.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return attribute
