"""``python -m app`` runs the same command line as ``giveaway-desk``."""

import sys

from app.cli import main

sys.exit(main())
