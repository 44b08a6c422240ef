"""Accounts: registration, e-mail verification, login, password reset and roles."""
