"""Partner organisations, their members, impact jobs and stageplekken."""
