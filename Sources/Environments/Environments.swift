// Environments target: see docs/architecture.md §2.
