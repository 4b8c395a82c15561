"""Bloc's tally engine: exact, documented counting rules, vectorised with numpy.

Pure library: numpy and the standard library (openpyxl to read .xlsx), never Django. Ballots
are a compact matrix of distinct rankings with counts (:class:`Profile`); each method returns
a :class:`Result` with every stage, serialisable to JSON (``result.to_json()``) and a round
table (:func:`round_table`); IRV and STV counts record each ballot's path on request
(``paths=True``: ``result.paths``, ``result.path(ranking)``). The written rules are in
``docs/tally-rules.md``.
"""

from __future__ import annotations

from .ballots import Interpretation, Profile, from_names, from_rankings
from .blt import dumps_blt, parse_blt, read_blt, write_blt
from .condorcet import condorcet_winner, count_borda, count_schulze, pairwise
from .cvr import parse_cvr, read_cvr, write_cvr
from .errors import BallotFileError, CountError, TallyError
from .irv import count_irv
from .paths import Paths, Step
from .plurality import count_approval, count_plurality
from .rctab import load_rctab_config, read_ess
from .report import round_table
from .result import Result, Stage
from .stv.meek import count_meek
from .stv.scottish import count_scottish
from .stv.wigm import count_wigm
from .ties import Lots, TieBreak
from .yesno import YesNoResult, count_yes_no, parse_yes_no, read_yes_no

__all__ = [
    "BallotFileError",
    "CountError",
    "Interpretation",
    "Lots",
    "Paths",
    "Profile",
    "Result",
    "Stage",
    "Step",
    "TallyError",
    "TieBreak",
    "YesNoResult",
    "condorcet_winner",
    "count_approval",
    "count_borda",
    "count_irv",
    "count_meek",
    "count_plurality",
    "count_schulze",
    "count_scottish",
    "count_wigm",
    "count_yes_no",
    "dumps_blt",
    "from_names",
    "from_rankings",
    "pairwise",
    "parse_blt",
    "parse_cvr",
    "parse_yes_no",
    "read_blt",
    "read_cvr",
    "read_ess",
    "read_yes_no",
    "load_rctab_config",
    "round_table",
    "write_blt",
    "write_cvr",
]
