"""Bank accounts of a store (Rekening) and the list of Indonesian banks."""
