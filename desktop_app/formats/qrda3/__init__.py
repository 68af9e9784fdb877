"""QRDA Category III (CDA R2 XML): safe parsing, reading, writing, CMS schematron."""
