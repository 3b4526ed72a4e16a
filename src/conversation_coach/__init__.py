"""conversation-coach: practise 'what matters' conversations against the outcomes approach."""

# The single source of the version (pyproject reads it): no importlib.metadata at start-up.
__version__ = "0.1.0"
