// Telemetry target: see docs/architecture.md §2.
