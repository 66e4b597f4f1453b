"""Every write of the CRM (the views and API call these, never the ORM themselves)."""
