"""The supplier register (ISO 9001 8.4): suppliers, certificates, status history, reviews."""
