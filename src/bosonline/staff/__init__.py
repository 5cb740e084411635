"""The people who work in a store: owner, admins and customer-service staff."""
