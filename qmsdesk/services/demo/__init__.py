"""Demo data: a small precision-machining company with realistic registers (see builder)."""
