"""Move quality: how good each decision was against ground truth (solvers, engines, best responses)."""
