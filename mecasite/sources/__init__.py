"""Reading one source file strictly: YAML with the position of every key and value, front matter and body,
and the field converters (dates, slugs, country codes) that turn raw values into typed ones, or refuse them
with the value to write (`corrections.py`).

Knows nothing of collections, languages or the site. May not import any other stage; no writing.
"""
