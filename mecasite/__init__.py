"""mecasite: the static site generator of the MecaTech Cluster's international pages.

Data flows one way, one sub-package per stage: sources (strict reading) -> config -> content (the model) ->
markdown -> site (resolved) -> render (bytes) -> build (checks, then the one writer, atomically). preview and
commands sit beside the build and call it. ARCHITECTURE.md draws the plan; `build.py` at the repository root is
the command line, `mecasite.cli` implements it.
"""

__version__ = "0.1.0"
