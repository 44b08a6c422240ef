"""What the AVG gives every person: access, portability and erasure; the retention schedule and the register."""
