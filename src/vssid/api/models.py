"""What the API must remember between requests: the first answer to each idempotent submit."""
from django.db import models


class IdempotentSubmission(models.Model):
    """The answer given to the first ``POST …/submit`` carrying an ``Idempotency-Key``.

    A phone that lost the connection while sending retries with the same key and is given this
    same answer, even if the declaration changed since (it was cancelled, say): the retry learns
    what its first attempt did. Keys are scoped to one declaration; only their SHA-256 is kept.
    """

    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="+"
    )
    key_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["declaration", "key_hash"], name="api_submission_key_once_per_declaration"),
        ]

    def __str__(self) -> str:
        return f"IdempotentSubmission {self.declaration_id}"


class AccountToken(models.Model):
    """A citizen's login in the app: ``Authorization: Bearer <token>`` on ``/account`` endpoints.

    Answered once by ``POST /account/login``; only its SHA-256 is kept. It ends at ``expires_at``,
    at logout (``revoked_at``), when the password is changed through another token or reset, and
    when the password changes anywhere else (the web): ``password_fingerprint`` is the same keyed
    hash of the password hash a web session keeps (``accounts.sessions``).
    """

    hash = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey("accounts.CitizenAccount", on_delete=models.CASCADE, related_name="api_tokens")
    password_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "revoked_at"], name="api_token_account_idx")]

    def __str__(self) -> str:
        return f"AccountToken {self.pk}"
