"""eligibility"""
