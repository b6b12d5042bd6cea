"""The JSON API for the VssID mobile app (django-ninja), mounted at /api/v1/.

Routers only: every endpoint parses its input, calls the same services, selectors and step forms as
the web pages, and shapes the answer. No rule lives here; what does live here is HTTP: the one error
shape (errors.py), the draft bearer token (auth.py), request size and rate limits (limits.py),
idempotent submission (idempotency.py) and the mapping between the API's JSON answers and the
web's step forms (drafts.py).
"""
