"""livesamp: live-coding sampler (placeholder until the pattern core lands)."""
