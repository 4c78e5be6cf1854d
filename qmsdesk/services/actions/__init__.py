"""The action log (ISO 9001 6.1, 10.2): one log of actions for every register."""
