// The FastCGI module: filled in by later issues.
