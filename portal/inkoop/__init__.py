"""Inkoop en uitgifte: label checks, scoring tenders and plot applications, following up commitments."""
