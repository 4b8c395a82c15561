"""Core registers no widgets of its own; apps do in their dashboard.py."""
