"""Audiences, email and SMS broadcasts, pledge and petition pages."""
