"""Accounts, tokens, sessions, password reset, login throttling, and who may do what."""
