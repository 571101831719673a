"""`python -m clientlens` runs the command-line interface."""

from clientlens.cli import main

# Guarded: worker processes started with "spawn" (--jobs on macOS and Windows) import this module.
if __name__ == "__main__":
    main()
