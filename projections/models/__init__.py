"""The projections themselves: each folds a union's events into its read model's rows."""
