"""samlgate's Python helpers: the end-to-end test harness (real nginx, Apache, the responder and the test
IdP) and the ACS benchmark's modules, shared by Tests/E2E, examples/demo and bench/."""
