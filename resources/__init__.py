"""Styles, icons and templates (the top-level resources/ folder)."""
