"""State shared by the STV rules: candidate status, current votes, stages, tie-breaks."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from ..ballots import Profile
from ..errors import CountError
from ..paths import PathRecorder
from ..result import DEFEATED, ELECTED, HOPEFUL, PENDING, WITHDRAWN, Result, Stage
from ..ties import Lots, TieBreak, TieMode, narrow_by_history

NO_VALID_BALLOTS = "no valid ballots: nobody is elected"

IntArray = npt.NDArray[np.int64]
Progress = Callable[[int], None]


def prepare(profile: Profile, seats: int | None) -> tuple[Profile, int]:
    n_seats = seats if seats is not None else profile.seats
    if n_seats is None or n_seats < 1:
        raise CountError("the number of seats must be given (a positive integer)")
    eligible = profile.n_candidates - len(profile.withdrawn)
    if n_seats > eligible:
        raise CountError(f"{n_seats} seats but only {eligible} eligible candidates")
    prof = profile.without(profile.withdrawn).nonempty().compact()
    return prof, n_seats


def no_valid_ballots(
    profile: Profile,
    *,
    method: str,
    rule: str,
    seats: int,
    places: int = 0,
    tie_mode: TieMode = "random",
    seed: str | None = None,
) -> Result:
    """The result of a count with no valid ballot (none cast, all blank, or ranking only
    withdrawn candidates): nobody is elected. It is an outcome, never a draw by lot."""
    lots = make_lots(profile, tie_mode, seed)
    status = tuple(
        WITHDRAWN if c in profile.withdrawn else DEFEATED for c in range(profile.n_candidates)
    )
    result = Result(
        method=method,
        rule=rule,
        candidates=profile.candidates,
        seats=seats,
        places=places,
        ballots=profile.n_ballots,
        tie_mode=lots.mode,
        seed=lots.seed,
        title=profile.title,
    )
    zero = (0,) * profile.n_candidates
    result.stages.append(Stage(1, "count", (), zero, status, 0, note=NO_VALID_BALLOTS))
    result.stages.append(Stage(1, "end", (), zero, status, 0))
    result.extra["no_valid_ballots"] = True
    return result


def make_lots(profile: Profile, tie_mode: TieMode, seed: str | None) -> Lots:
    if tie_mode == "order":
        return Lots(profile.n_candidates, mode="order", order=profile.tie_order)
    return Lots(profile.n_candidates, mode="random", seed=seed or profile.seed())


class CountState:
    """Candidate status and votes (integers scaled by ``10**places``) through a count."""

    def __init__(
        self,
        profile: Profile,
        seats: int,
        *,
        places: int,
        method: str,
        rule: str,
        lots: Lots,
        progress: Progress | None = None,
    ) -> None:
        self.profile = profile
        self.seats = seats
        self.places = places
        self.scale = 10**places
        self.lots = lots
        self.progress = progress
        n = profile.n_candidates
        self.status = np.array([HOPEFUL] * n, dtype=object)
        for c in profile.withdrawn:
            self.status[c] = WITHDRAWN
        self.votes = np.zeros(n, dtype=np.int64)
        self.exhausted = 0
        self.quota: int | None = None
        self.round = 0
        self.history: list[IntArray] = []
        #: set when the count records each ballot's path (``paths=True``)
        self.paths: PathRecorder | None = None
        self.result = Result(
            method=method,
            rule=rule,
            candidates=profile.candidates,
            seats=seats,
            places=places,
            ballots=profile.n_ballots,
            tie_mode=lots.mode,
            seed=lots.seed,
            title=profile.title,
        )

    # -- status helpers -----------------------------------------------------------------------
    def having(self, *states: str) -> list[int]:
        return [c for c, s in enumerate(self.status) if s in states]

    @property
    def hopeful(self) -> list[int]:
        return self.having(HOPEFUL)

    @property
    def pending(self) -> list[int]:
        return self.having(PENDING)

    def continuing_mask(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.status == HOPEFUL, dtype=bool)

    def seats_left(self) -> int:
        return self.seats - len(self.having(ELECTED, PENDING))

    def new_round(self) -> None:
        self.round += 1
        self.history.append(self.votes.copy())
        if self.progress is not None:
            self.progress(self.round)

    # -- recording ----------------------------------------------------------------------------
    def stage(
        self,
        action: str,
        subjects: tuple[int, ...] = (),
        *,
        surplus: int | None = None,
        note: str = "",
    ) -> None:
        self.result.stages.append(
            Stage(
                round=self.round,
                action=action,
                subjects=subjects,
                votes=tuple(int(v) for v in self.votes),
                status=tuple(str(s) for s in self.status),
                exhausted=int(self.exhausted),
                quota=self.quota,
                surplus=surplus,
                note=note,
            )
        )
        if self.paths is not None:
            self.paths.stage(len(self.result.stages) - 1)

    def elect(self, c: int, *, pending: bool = False, action: str = "elect") -> None:
        self.status[c] = PENDING if pending else ELECTED
        self.result.elected.append(c)
        self.stage(action, (c,))

    def defeat(self, c: int) -> None:
        self.status[c] = DEFEATED

    # -- ties ---------------------------------------------------------------------------------
    def break_tie(self, tied: list[int], purpose: str, *, lowest: bool, look_back: bool) -> int:
        """Choose among tied candidates: earlier rounds first if ``look_back``, then lots."""
        if len(tied) == 1:
            return tied[0]
        group = list(tied)
        if look_back:
            group, k = narrow_by_history(tied, self.history, lowest=lowest)
            if k is not None:
                self.result.tie_breaks.append(
                    TieBreak(self.round, purpose, tuple(tied), group[0], "prior-round", k + 1)
                )
                return group[0]
        chosen = self.lots.pick(group)
        self.result.tie_breaks.append(
            TieBreak(self.round, purpose, tuple(tied), chosen, self.lots.method)
        )
        return chosen

    def finish(self) -> Result:
        for c in self.pending:
            self.status[c] = ELECTED
        remaining = self.hopeful
        if remaining and len(remaining) <= self.seats_left():
            for c in sorted(remaining, key=lambda c: (-int(self.votes[c]), c)):
                self.elect(c, action="elect-remaining")
        for c in self.hopeful:
            self.defeat(c)
        self.stage("end")
        self.result.quota = self.quota
        return self.done()

    def done(self) -> Result:
        """The result, with the ballot paths when they were recorded."""
        if self.paths is not None:
            self.result.paths = self.paths.build(self.result)
        return self.result
