// The Endpoints module: filled in by later issues.
