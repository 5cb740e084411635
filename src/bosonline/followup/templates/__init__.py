"""Follow-up chat templates: their CRUD (endpoints -> service -> repository) and the default set."""
