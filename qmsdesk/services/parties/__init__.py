"""The interested-parties register (ISO 9001 4.2): records, rules, use cases, import."""
