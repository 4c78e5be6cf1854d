"""The quality-objectives register (ISO 9001 5.2, 6.2): the policy, objectives, measurements."""
