"""The versioned JSON API (label check for procurement systems)."""
