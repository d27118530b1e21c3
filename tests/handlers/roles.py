"""Who may call a handler, for the authorization table rows."""

ALL = frozenset({"anonymous", "learner", "mentor", "admin"})
MEMBERS = frozenset({"learner", "mentor", "admin"})
LEARNER = frozenset({"learner"})
MENTOR = frozenset({"mentor", "admin"})
ADMIN = frozenset({"admin"})
