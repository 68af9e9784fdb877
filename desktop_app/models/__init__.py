"""Domain models (pydantic): practice, clinicians, reporting entities, identifiers."""
