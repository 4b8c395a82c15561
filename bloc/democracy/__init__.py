"""Member democracy: proposals, ballots, voter rolls, casting, results."""
