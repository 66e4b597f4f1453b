"""The API toolkit every app's `apis.py` builds on: DRF and drf-spectacular only, no app imports.

Authentication, JSON parsing, pagination, throttles and the one error format.
`postroom.accounts.rest` adds the workspace and role checks; `postroom.api`
only routes the apps' views and describes the schema.
"""
