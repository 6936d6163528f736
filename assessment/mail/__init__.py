"""E-mail delivery: the outbox (``outbox``), SMTP or .eml delivery (``transport``), the messages (``notify``),
reminders (``reminders``) and signed account links (``tokens``). No web page lives here: the password pages are
in ``auth.account``, HR's outbox page in ``hr.outbox`` (docs/architecture.md).

See docs/mail.md.
"""
