"""containerize: container files for an application, read from its source."""

__version__ = "0.1.0"
