"""Agent adapters: one per agent CLI, behind the small interface in `base`."""
