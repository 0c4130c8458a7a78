"""Command bodies: each takes parsed options and returns (exit code, output text); cli_commands.py prints."""
