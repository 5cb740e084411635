"""The store itself: creation, settings, subdomain, custom domains, and which store a request acts in."""
