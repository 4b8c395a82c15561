"""Former entry of the tally benchmark; it now lives in ``bench/tally.py`` (same options)."""

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).resolve().parents[1] / "tally.py"), run_name="__main__")
