"""Helpers of the runtime tests: a process's descendants, and waiting for them to go."""

from __future__ import annotations

import contextlib
import time

import psutil


def descendants(pid: int) -> list[psutil.Process]:
    """Every live process below ``pid`` (children, grandchildren, ...)."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of ``processes`` still running (zombies count as gone)."""
    left = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                left.append(p)
        except psutil.NoSuchProcess:
            pass
    return left


def wait_gone(processes: list[psutil.Process], timeout: float = 20.0) -> list[str]:
    """Wait up to ``timeout`` seconds for ``processes`` to end; those still alive.

    Returns ``pid: command line`` of each survivor, which is then killed, so a failing
    test leaves no orphan behind.
    """
    deadline = time.monotonic() + timeout
    left = alive(processes)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = alive(left)
    survivors = describe(left)
    for p in left:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    return survivors


def describe(processes: list[psutil.Process]) -> list[str]:
    """``pid: command line`` of each process, for assertion messages."""
    out = []
    for p in processes:
        try:
            out.append(f"{p.pid}: {' '.join(p.cmdline())[-120:]}")
        except psutil.Error:
            out.append(f"{p.pid}: ?")
    return out


def wait_for_descendants(pid: int, count: int, timeout: float = 60.0) -> list[psutil.Process]:
    """Wait until ``pid`` has at least ``count`` descendants; them."""
    deadline = time.monotonic() + timeout
    found = descendants(pid)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.05)
        found = descendants(pid)
    assert len(found) >= count, f"only {describe(found)} below {pid} after {timeout} s"
    return found
