"""Year data of the attestation package (IA activity periods)."""
