"""The editing commands: `new` (an item from a scaffold), `translate` (a translation file, or stamping one up to
date), `rename` and `delete` (an id or a slug changed, an item taken out, references following) and the
translations report (with what changed in each outdated original, read from git history).

They write content files an editor asked for, never the site. May not import the preview.
"""
