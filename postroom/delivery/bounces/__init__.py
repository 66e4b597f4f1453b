"""Mail that comes back: bounce and complaint intake from DSNs, bounce mailboxes and provider webhooks."""
