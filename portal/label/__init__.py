"""The label Ondernemen met impact: criteria, self-assessment, review, award, renewal and register."""
