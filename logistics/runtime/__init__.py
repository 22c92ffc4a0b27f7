"""What every process of molten shares, below everything else: exit codes, process
pools whose workers die with their parent, atomic folder writing, and the liveness of
processes.

This package imports nothing of ``logistics`` but :mod:`logistics.errors`, so every
layer may use it (``tests/test_layout.py``).
"""
