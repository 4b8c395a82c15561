"""Joining: the public membership form, the pending membership it makes, and staff decisions on
applications (hardship waivers). Dues themselves come from the processors (people.payments)."""
