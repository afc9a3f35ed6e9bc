"""Rendering: views of the resolved site for templates, the page frame, lists, the partners map, host files,
and the Jinja templates that turn them into bytes.

Returns bytes and never writes them; only reads the site (the model is never mutated). Caches are handed in by the
build. May not import the build, the preview or the commands.
"""
