"""E-mail: the outbox (``outbox``), SMTP or .eml delivery (``transport``), the messages (``notify``),
reminders (``reminders``), signed account links (``tokens``) and the pages (``account``, ``views``).

See docs/mail.md.
"""
