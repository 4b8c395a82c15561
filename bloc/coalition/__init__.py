"""The coalition: partner organizations, relationships, commitments, union contracts, sign-ons."""
