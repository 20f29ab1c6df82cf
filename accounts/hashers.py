from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with small cost parameters, for the test suite only (see conftest.py).

    Production uses Django's Argon2PasswordHasher defaults (settings.PASSWORD_HASHERS).
    """

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
