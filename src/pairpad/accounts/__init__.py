"""Team mode's accounts: users, passwords, sessions, second factors, OAuth, teams and roles."""
