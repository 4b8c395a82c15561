"""Elections, races, candidates, questionnaires, endorsements and the slate."""
