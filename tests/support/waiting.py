"""Waiting, in tests, for something another thread or process does."""

import time

import pytest


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out waiting for {what}")


def thread_stacks() -> str:
    """Where every thread of this process stands: for a failure message when something never happened in a
    thread the test does not control (the live server's request threads, an inline job)."""
    import sys
    import threading
    import traceback

    frames = sys._current_frames()
    return "\n".join(
        f"--- thread {thread.name}\n" + "".join(traceback.format_stack(frames[thread.ident])[-12:])
        for thread in threading.enumerate()
        if thread.ident in frames
    )
