#!/usr/bin/env python3
"""Bulk unique signed SAML Responses for the benchmark: samlgate_tools.bench.responses (its docstring says how)."""

import sys

from samlgate_tools.bench import responses

if __name__ == "__main__":
    sys.exit(responses.main())
