"""`python -m biwaq <Befehl>`."""
import sys

from biwaq.cli import main

sys.exit(main())
