"""The CRM's pages: server-rendered, each behind `workspace_view` and a CRM permission."""
