"""The default mailer writes the message (with its link) to the mail log only."""

from __future__ import annotations

from structlog.testing import capture_logs

from pairpad.accounts.mailer import LogMailer, MailMessage, RecordingMailer


async def test_log_mailer_writes_the_message() -> None:
    with capture_logs() as logs:
        await LogMailer().send(MailMessage("a@example.com", "Subject", "Open https://x/#token=T",
                                           "https://x/#token=T"))
    assert logs == [{"event": "mail", "log_level": "info", "to": "a@example.com",
                     "subject": "Subject", "body": "Open https://x/#token=T"}]


async def test_recording_mailer() -> None:
    mailer = RecordingMailer()
    await mailer.send(MailMessage("a@example.com", "S", "B"))
    assert mailer.last_to("a@example.com").subject == "S"
