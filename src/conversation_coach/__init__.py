"""conversation-coach: practise 'what matters' conversations against the outcomes approach."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("conversation-coach")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+source"
