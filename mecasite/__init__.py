"""mecasite: the static site generator of the MecaTech Cluster's international pages.

Data flows one way: config -> sources -> typed model -> resolved site -> rendered files -> atomic write.
`build.py` at the repository root is the command line; `mecasite.cli` implements it.
"""

__version__ = "0.1.0"
