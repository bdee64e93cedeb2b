"""voice-guide: an offline, spoken guide to health information for people with low vision."""

__version__ = "0.1.0"
