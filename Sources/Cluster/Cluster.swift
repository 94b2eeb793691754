// Cluster target: see docs/architecture.md §4.
