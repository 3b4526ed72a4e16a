"""Transcripts: the schema-versioned conversation record, its reading and atomic saving."""
