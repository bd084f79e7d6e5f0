"""shoptally companion daemon: local settlement ledger for cross-border sellers."""

__version__ = "0.1.0"
PROTOCOL_VERSION = 1
