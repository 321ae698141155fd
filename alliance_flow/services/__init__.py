"""Use cases, one transaction each: the only layer the CLI, the web app and the flows call."""
