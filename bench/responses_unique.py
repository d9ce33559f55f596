#!/usr/bin/env python3
"""bench/responses.py, but each Response is for a different user (used for the Shibboleth SP peer).

Same options and output as bench/responses.py. The user's address (`--email`: the NameID and the email
attribute of pysaml2's template) becomes `user.id-<random>@<domain of --email>` in every copy, renewed
like the Response and Assertion IDs.

Why: shibd keeps, for logout, a reverse index from each NameID to its sessions (one StorageService
record per NameID, rewritten on every login). With the four users of the other pools, a run of a few
thousand logins makes four records of thousands of sessions each: every login then costs time in
proportion to the logins before it, and concurrent logins of one user fail their record updates
("error storing back mapping of NameID for logout: Exceeded retry limit"). Measured here: ≈ 13 ms
CPU per login after ~300 logins, ≈ 170 ms after ~700. Real users sign in a few times a day, not
thousands of times within seconds, so one user per Response is the realistic case; shibd's session
cache and reverse index themselves are left at their defaults.
"""
import sys

from samlgate_tools.bench import responses

if __name__ == "__main__":
    sys.exit(responses.main(__doc__, unique_users=True))
