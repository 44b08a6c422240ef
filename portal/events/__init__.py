"""Events: the Wijk naar Werk kick-off, the Studentenfestival and partner events, with RSVP and check-in."""
