"""The platform's own back office (`/admin`, platform admins only): platform figures, stores (suspend, reactivate),
announcements and tips, and the audit log of every admin action."""
