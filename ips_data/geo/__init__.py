"""Municipality boundaries for maps (shipped with the package; never fetched)."""
