"""The draft token: ``Authorization: Bearer <token>``, answered once by ``POST /declarations``.

The token stands for one declaration, whatever its status: it edits the draft, sends it, and then
reads its status or cancels it. The database keeps only its SHA-256, so the token cannot be read back
from a copy of the database (``services.issue_api_token``).
"""
from ninja.security import HttpBearer

from vssid.declarations import selectors
from vssid.declarations.models import Declaration


class DraftToken(HttpBearer):
    def __call__(self, request) -> Declaration | None:
        # ninja's own parsing logs a header it does not understand when DEBUG is on; a header that
        # carries credentials must never reach a log, so it is parsed here.
        scheme, _space, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token: str) -> Declaration | None:
        return selectors.declaration_by_api_token(token)


draft_token = DraftToken()
