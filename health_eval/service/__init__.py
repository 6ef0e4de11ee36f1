"""The v1 JSON contract, the HTTP service and the workbench (ARCHITECTURE §3
``service/``): a shell over :func:`health_eval.evaluate`.

Owns the contract (:mod:`.schema`), the FastAPI app (:mod:`.http`), its guard, inputs and warm
worker processes, and the browser workbench (:mod:`.workbench`). It may import everything below
it (reports, archive, engine, profiles, validate, io); nothing below imports it.
"""
