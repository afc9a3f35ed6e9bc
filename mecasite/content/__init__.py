"""The content model: item folders read and validated against each collection's schema into frozen data
(items keyed by (collection, id), texts keyed by language), translation states, interface strings, and the
checks that need only the model (signatures).

Reads `content/` and `i18n/`. May not import Markdown, rendering or the build; never writes (the commands that
create files are in commands/).
"""
