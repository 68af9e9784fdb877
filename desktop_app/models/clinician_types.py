"""Clinician types and whether MIPS applies to them.

The MIPS eligible clinician types are set in 42 CFR 414.1305 (definition of
"MIPS eligible clinician") and are the same for performance years 2024-2026.
Any other type is outside MIPS: it can still be recorded, and is shown as exempt.
"""

from __future__ import annotations

from typing import Final

# Short code -> label, as QPP lists the eligible types.
ELIGIBLE_CLINICIAN_TYPES: Final[dict[str, str]] = {
    "MD": "Physician (doctor of medicine)",
    "DO": "Physician (doctor of osteopathy)",
    "DDS": "Dentist (doctor of dental surgery or dental medicine)",
    "DPM": "Podiatrist (doctor of podiatric medicine)",
    "OD": "Optometrist (doctor of optometry)",
    "DC": "Chiropractor",
    "PA": "Physician assistant",
    "NP": "Nurse practitioner",
    "CNS": "Clinical nurse specialist",
    "CRNA": "Certified registered nurse anesthetist",
    "PT": "Physical therapist",
    "OT": "Occupational therapist",
    "PSY": "Clinical psychologist",
    "SLP": "Qualified speech-language pathologist",
    "AUD": "Qualified audiologist",
    "RD": "Registered dietitian or nutrition professional",
    "LCSW": "Clinical social worker",
    "CNM": "Certified nurse-midwife",
}

OTHER_TYPE_LABEL: Final = "Other (not a MIPS eligible clinician type)"


def is_mips_eligible_type(code: str) -> bool:
    return code.strip().upper() in ELIGIBLE_CLINICIAN_TYPES


def clinician_type_label(code: str) -> str:
    return ELIGIBLE_CLINICIAN_TYPES.get(code.strip().upper(), f"{code} ({OTHER_TYPE_LABEL})")
