"""The test-only settings stay test-only: production hashes passwords with Argon2."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import get_hasher

import config.settings
from conftest import TEST_PASSWORD_HASHERS


def test_production_hashes_with_argon2_and_only_tests_use_a_fast_hasher() -> None:
    assert config.settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert settings.PASSWORD_HASHERS == TEST_PASSWORD_HASHERS
    assert get_hasher().algorithm == "md5"
