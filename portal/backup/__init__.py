"""Backup and restore of the database and the evidence files together (``flask --app wsgi backup ...``)."""
