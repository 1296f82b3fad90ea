"""Access and mfa JWTs: every forgery and misuse in the list is refused."""

from __future__ import annotations

import base64
import json
import secrets
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pairpad.accounts.clock import utcnow
from pairpad.accounts.tokens import ACCESS, MFA, InvalidToken, TokenSigner

KEY = secrets.token_bytes(32)


@pytest.fixture
def signer() -> TokenSigner:
    return TokenSigner(KEY, "https://pairpad.example.com")


def _claims(**override: object) -> dict[str, object]:
    """Valid access claims; an override that is a timedelta is an offset from now (so a
    parameter made at collection time stays right however late the test runs)."""
    now = utcnow()
    claims: dict[str, object] = {
        "iss": "https://pairpad.example.com", "aud": "pairpad", "sub": "u1", "iat": now,
        "nbf": now, "exp": now + timedelta(minutes=15), "jti": "j", "typ": "access", "ver": 0,
    }
    claims.update({key: now + value if isinstance(value, timedelta) else value
                   for key, value in override.items()})
    return {key: value for key, value in claims.items() if value is not None}


def test_round_trip(signer: TokenSigner) -> None:
    token = signer.issue("u1", token_type=ACCESS, ttl_s=900, version=3, session_id="fam")
    claims = signer.decode(token, token_type=ACCESS)
    assert (claims.user_id, claims.version, claims.session_id) == ("u1", 3, "fam")
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"
    payload = jwt.decode(token, options={"verify_signature": False})
    assert set(payload) >= {"iss", "aud", "sub", "exp", "nbf", "iat", "jti", "typ", "ver"}
    assert payload["exp"] - payload["iat"] == 900


def test_short_key_refused() -> None:
    with pytest.raises(ValueError):
        TokenSigner(b"short")


def test_alg_none_refused(signer: TokenSigner) -> None:
    token = jwt.encode(_claims(), None, algorithm="none")
    with pytest.raises(InvalidToken):
        signer.decode(token, token_type=ACCESS)


def test_rs256_token_refused(signer: TokenSigner) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_claims(), private, algorithm="RS256")
    with pytest.raises(InvalidToken):
        signer.decode(token, token_type=ACCESS)


def test_hmac_with_public_key_refused(signer: TokenSigner) -> None:
    """HS/RS confusion: a token HMAC-signed with a public key (PEM) as the secret."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = base64.urlsafe_b64encode(json.dumps(
        {k: (int(v.timestamp()) if hasattr(v, "timestamp") else v) for k, v in _claims().items()}
    ).encode())
    import hashlib
    import hmac

    signing_input = header.rstrip(b"=") + b"." + body.rstrip(b"=")
    signature = base64.urlsafe_b64encode(hmac.new(pem, signing_input, hashlib.sha256).digest())
    token = (signing_input + b"." + signature.rstrip(b"=")).decode()
    with pytest.raises(InvalidToken):
        signer.decode(token, token_type=ACCESS)


@pytest.mark.parametrize(
    "override",
    [
        {"exp": -timedelta(minutes=1)},  # expired
        {"nbf": timedelta(minutes=5)},  # not yet valid
        {"aud": "someone-else"},
        {"iss": "https://evil.example.com"},
        {"typ": "mfa"},  # an mfa token used as an access token
        {"ver": None},  # a required claim missing
        {"jti": None},
        {"ver": "0"},  # malformed
    ],
)
def test_claims_refused(signer: TokenSigner, override: dict[str, object]) -> None:
    token = jwt.encode(_claims(**override), KEY, algorithm="HS256")
    with pytest.raises(InvalidToken):
        signer.decode(token, token_type=ACCESS)


def test_mfa_token_is_not_an_access_token_and_back(signer: TokenSigner) -> None:
    mfa = signer.issue("u1", token_type=MFA, ttl_s=300, version=0)
    with pytest.raises(InvalidToken):
        signer.decode(mfa, token_type=ACCESS)
    access = signer.issue("u1", token_type=ACCESS, ttl_s=900, version=0)
    with pytest.raises(InvalidToken):
        signer.decode(access, token_type=MFA)
    assert signer.decode(mfa, token_type=MFA).user_id == "u1"


def test_tampered_payload_and_other_key_refused(signer: TokenSigner) -> None:
    token = signer.issue("u1", token_type=ACCESS, ttl_s=900, version=0)
    head, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["sub"] = "admin"
    forged_body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidToken):
        signer.decode(f"{head}.{forged_body}.{signature}", token_type=ACCESS)
    other = TokenSigner(secrets.token_bytes(32), "https://pairpad.example.com")
    with pytest.raises(InvalidToken):
        other.decode(token, token_type=ACCESS)
