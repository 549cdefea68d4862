"""A mail system that refuses everything: the edge, faked for tests of what happens then."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

REFUSAL = "451 4.3.0 Mail server temporarily unavailable"


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, REFUSAL)
