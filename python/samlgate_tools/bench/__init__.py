"""The benchmark's modules; the programs that run them are in bench/ (bench/README.md describes them)."""
