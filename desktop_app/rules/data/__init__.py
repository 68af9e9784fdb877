"""Program rules data files, one per performance year (YEAR.json)."""
