from django.dispatch import Signal

# Sent after a recipient unsubscribed through a link from a message, with `request`:
# the tracking app reads the message's token from it to count the unsubscribe.
unsubscribed_by_link = Signal()
