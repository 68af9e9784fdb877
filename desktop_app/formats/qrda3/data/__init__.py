"""Data files of the QRDA III package (template versions, program names)."""
