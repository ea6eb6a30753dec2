"""Smart city masterplans: frameworks, versions, analysis, goals, strategies, programs, budgets."""
