"""Widgets of the conversation and summary screens."""
