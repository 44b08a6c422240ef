"""The mail outbox: every mail is stored with the action that causes it, then delivered."""
