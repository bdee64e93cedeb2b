"""`python -m voice` does what the `voice-guide` command does."""

import sys

from .cli import main

sys.exit(main())
