"""``python -m caserecord``: the same command line as the ``caserecord`` script."""

import sys

from caserecord.cli import main

if __name__ == "__main__":
    sys.exit(main())
