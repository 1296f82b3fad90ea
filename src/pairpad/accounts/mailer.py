"""Outgoing mail: a `Mailer` protocol; the default writes the message to the log (there is no
SMTP server here). The message's link carries a one-time token, so the mail log line is the
only place it is written: nothing else logs tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import structlog

log = structlog.get_logger("pairpad.mail")


@dataclass(frozen=True)
class MailMessage:
    to: str
    subject: str
    body: str
    link: str | None = None  # the action's URL (verify, reset), with its token


class Mailer(Protocol):
    async def send(self, message: MailMessage) -> None: ...


class LogMailer:
    """Writes each message to the structlog log ("pairpad.mail")."""

    async def send(self, message: MailMessage) -> None:
        log.info("mail", to=message.to, subject=message.subject, body=message.body)


@dataclass
class RecordingMailer:
    """Keeps the messages (tests, and tools that read them back)."""

    sent: list[MailMessage] = field(default_factory=list)

    async def send(self, message: MailMessage) -> None:
        self.sent.append(message)

    def last_to(self, address: str) -> MailMessage:
        for message in reversed(self.sent):
            if message.to == address:
                return message
        raise LookupError(f"no mail to {address}")
