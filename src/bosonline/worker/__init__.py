"""The background worker (`bosonline worker`, or embedded in `bosonline serve`): see loop.py; the app's jobs
are wired in bosonline/wiring.py."""
