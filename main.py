"""Entry point: hands over to the command line (the GUI is the default command)."""

import sys

from qmsdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
