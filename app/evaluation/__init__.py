"""National evaluation: instruments, cycles, submissions, scoring and ministry comparison."""
