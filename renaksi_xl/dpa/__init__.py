"""DPA readers: every source becomes one normalized table."""
