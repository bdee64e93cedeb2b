"""`python -m voice` does what the `voice-guide` command does."""

import sys

from .app.cli import main

sys.exit(main())
