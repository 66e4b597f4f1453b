"""Transports: how a prepared message leaves (SMTP relays, the sandbox) and the mail bytes they carry."""
