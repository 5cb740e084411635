"""bosonline: the back end of an order-management platform for Indonesian online sellers."""

__version__ = "0.1.0"
