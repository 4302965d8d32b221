"""news: answer questions about a local archive of news events."""

__version__ = "0.1.0"
