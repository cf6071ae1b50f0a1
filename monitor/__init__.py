"""jobtrend core: configuration, clock, storage, tagging, metrics, pipeline and CLI."""

__version__ = "0.1.0"
