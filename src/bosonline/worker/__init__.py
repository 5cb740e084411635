"""The background worker (`bosonline worker`, or embedded in `bosonline serve`): see loop.py."""

from bosonline.worker.loop import Job, Worker, run_until_stopped

__all__ = ["Job", "Worker", "run_until_stopped"]
