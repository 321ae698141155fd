"""Who may use the dashboard: local accounts, per-alliance roles, API tokens and web sessions."""
