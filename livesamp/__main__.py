"""python -m livesamp: the same as the `livesamp` command."""
import sys

from .cli import main

sys.exit(main())
