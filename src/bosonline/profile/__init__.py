"""The caller's own account: who am I, edit me, erase me (Data Deletion)."""
