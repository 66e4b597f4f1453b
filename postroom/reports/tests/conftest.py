# The tracking tests' SMTP server and hit buffer serve the report tests too.
from postroom.tracking.tests.conftest import _local_buffer, smtp_server  # noqa: F401
