"""Cedar: an open, versioned dataset of political violence and protest events."""

__version__ = "0.1.0"
