"""Argon2 at test-sized costs: the same algorithm and code paths as production, without spending a
fifth of a second of both cores on every password the lockout tests type. One test
(test_passwords_are_hashed_with_the_production_argon2_settings) runs the production parameters."""
from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1


class CountingArgon2PasswordHasher(QuickArgon2PasswordHasher):
    """Counts every Argon2 computation (hashing a new password or checking one): the enumeration
    tests compare the work done for a known and an unknown identifier without timing anything."""

    computations = 0

    def encode(self, password, salt):
        type(self).computations += 1
        return super().encode(password, salt)

    def verify(self, password, encoded):
        type(self).computations += 1
        return super().verify(password, encoded)
