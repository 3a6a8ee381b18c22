"""Foundation shared by every capability: database, identity, permissions, errors, HTTP base."""
