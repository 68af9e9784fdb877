"""Reusable widgets: the practice form and the clinicians list (wizard and Practice page)."""
