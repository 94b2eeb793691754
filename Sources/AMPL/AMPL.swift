// AMPL target: the trainer (docs/architecture.md §2).
