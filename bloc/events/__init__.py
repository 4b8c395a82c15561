"""Days of action, events, shifts, RSVPs, check-in and the volunteer-to-member hand-off."""
