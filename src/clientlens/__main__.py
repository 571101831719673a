"""`python -m clientlens` runs the command-line interface."""

from clientlens.cli import main

main()
