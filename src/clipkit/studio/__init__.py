"""``clipkit studio``: a local web workbench over the pipeline (episodes, dialogue, GIFs, stills, snippets).

:mod:`.security` (token, Host/Origin checks, paths kept under the started folders),
:mod:`.jobs` (GIF/still jobs in worker processes, progress, cancel), :mod:`.api`
(JSON routes over the public pipeline functions), :mod:`.server` (the Starlette
app and its start-up), ``static/`` (the page: plain JS modules, no build step).
Needs the optional extra ``clipkit[studio]`` (starlette, uvicorn).
"""
