"""Dialogs: take a dataclass in, hand one back via value(); they never write to the database."""
