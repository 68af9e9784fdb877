"""Reusable widgets: the practice form, the clinicians list and the entity choices of the pages."""
