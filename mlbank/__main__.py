"""`python -m mlbank`: the same entry point as the `mlbank` console script."""

from mlbank.cli import main

main()
