"""The second step of a sign-in that did not use a password (OAuth): a user who enrolled a
second factor (TOTP or a passkey) must still give it, exactly as after a password.

Issues the same short "mfa" token as AccountService.login, so the same
`POST /api/auth/mfa/verify` and passkey sign-in finish it.
"""

from __future__ import annotations

from pairpad.accounts import signin_store as store
from pairpad.accounts.service import AccountService, MfaRequired
from pairpad.accounts.tokens import MFA_TTL_S, TokenType


async def second_step(accounts: AccountService, user_id: str) -> MfaRequired | None:
    """The mfa token and methods when `user_id` has a second factor, else None."""
    async with accounts.db.session() as session:
        user = await store.user_by_id(session, user_id)
        passkeys = await store.count_passkeys(session, user_id)
    if user is None:
        return None
    methods = ["totp", "recovery"] if user.totp_enabled else []
    if passkeys:
        methods.append("passkey")
    if not methods:
        return None
    step: TokenType = "mfa"
    token = accounts.signer.issue(user_id, token_type=step, ttl_s=MFA_TTL_S,
                                  version=user.token_version)
    return MfaRequired(token, methods)
