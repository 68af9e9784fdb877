"""qpp_api"""
