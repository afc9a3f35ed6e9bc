"""Resolving the model into a site: every page with its URL per language, references between items, fallbacks
for missing translations, old addresses that redirect, and URL clashes.

Pure: no I/O. May not import rendering or the build.
"""
