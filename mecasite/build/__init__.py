"""The pipeline: load, validate and resolve, render (in forked workers on a large site), check links, then hand
everything to the one writer, which fills a staging folder and swaps it into place. Also the speed machinery:
workers, the manifest, the Markdown cache, and the rules for which output folder may be replaced.

writer.py is the only module that writes the site. May not import the preview or the commands.
"""
