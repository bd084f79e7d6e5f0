"""The `shoptally` command: argument parsing, the client of a running daemon, the text report."""
