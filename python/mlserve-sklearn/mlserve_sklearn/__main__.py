"""``python -m mlserve_sklearn export MODEL.pkl --out DIR``."""

import sys

from .cli import run

sys.exit(run())
