"""The jobs both the CLI and the Python API call: one module per job
(``still``, ``gif``, ``strip``, ``scenes``, ``batch``, ``demo``).

The public API is the top-level ``clipkit`` package, which loads each job
function from its module on first use; this package re-exports nothing, so
importing one job never imports the others.
"""
