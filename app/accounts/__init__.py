"""Users, local login, API tokens and sessions."""
