"""molten-logistics: plan road delivery of liquid recycled aluminium.

Data flows one way through the package::

    loader/model → geo → thermal → jobs → solver → plan → check → cost → cli/reports

See ``README.md`` for the quick start and ``../shared/spec.md`` for the product contract.
"""

__version__ = "0.1.0"
