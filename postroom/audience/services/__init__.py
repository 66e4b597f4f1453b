"""Every write to the audience: subscribers, lists, subscriptions, suppressions, imports."""
