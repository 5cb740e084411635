"""The store itself: creation, settings, subdomain, and which store a request acts in."""
