"""The context of the organisation (ISO 9001 4.1): internal and external issues."""
