"""`python -m api.cli`, the same as the `unionflow` console script."""

from api.cli import main

main()
