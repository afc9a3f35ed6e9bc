"""The preview: a local server with live reload, and a session that re-renders only what an edit touched and
hands the bytes to the build's writer.

Sits beside the build and calls it; the build knows nothing of it. Never writes a file itself.
"""
