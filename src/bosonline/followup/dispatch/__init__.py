"""The dispatcher: the worker job (tasks.py), its claim statements (repository.py), pacing, senders,
quiet hours, and the delivery statuses providers report (endpoints.py -> status_service.py)."""
