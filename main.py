"""Entry point: hands over to the command line (the GUI is the default command)."""

import multiprocessing
import sys

from qmsdesk.cli import main

if __name__ == "__main__":
    # In the frozen bundle a chart worker process starts this same executable: let it
    # run its task instead of a second QMS Desk.
    multiprocessing.freeze_support()
    sys.exit(main())
