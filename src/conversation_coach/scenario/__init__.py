"""Scenarios: the scripted person, their YAML format and the deterministic engine."""
