"""Reminders: what is due (pure rules), the outbox that records it once, and its delivery."""
