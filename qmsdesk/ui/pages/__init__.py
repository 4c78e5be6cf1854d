"""One page per register."""
