"""Convention delegates by chapter size: members in good standing ÷ N, rounded, minimum 1.

Pure: counts in, seats out. `services.apportion_delegates` feeds it from the membership rolls."""

from collections.abc import Mapping
from enum import StrEnum


class Rounding(StrEnum):
    NEAREST = "nearest"  #: halves round up (37.5 → 38)
    UP = "up"
    DOWN = "down"


def delegates_for(members: int, *, per: int, rounding: Rounding, minimum: int = 1) -> int:
    """Delegates for one chapter. A chapter with no member in good standing sends none."""
    if per < 1 or members < 0 or minimum < 0:
        raise ValueError("Need per >= 1, members >= 0 and minimum >= 0.")
    if members == 0:
        return 0
    if rounding == Rounding.UP:
        seats = -(-members // per)
    elif rounding == Rounding.DOWN:
        seats = members // per
    else:
        seats = (2 * members + per) // (2 * per)
    return max(minimum, seats)


def apportion(
    members: Mapping[int, int], *, per: int, rounding: Rounding, minimum: int = 1
) -> dict[int, int]:
    """Delegates per chapter id, for every chapter in `members`."""
    return {
        chapter: delegates_for(count, per=per, rounding=rounding, minimum=minimum)
        for chapter, count in members.items()
    }
