"""One Markdown converter: a body in, sanitized HTML with its headings and id links out. Plain prose takes a
short route of our own with the same output as Python-Markdown and nh3; limits bound the work on any input.

Pure: no I/O. A cache, if any, is handed in by the build. May not import the site, rendering or the build.
"""
