"""Per-year eligibility values (low-volume threshold, segments) with their sources."""
