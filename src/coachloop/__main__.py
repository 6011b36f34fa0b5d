"""`python -m coachloop` is the `coachloop` command."""

from coachloop.cli import main

main()
