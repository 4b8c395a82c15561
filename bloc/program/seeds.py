"""Demo program: adopted planks through the real services, one revision open for comment."""

import random

from bloc.core.registry import Seed, seeds
from bloc.program import services

PLANKS = [
    (
        "Health",
        "Medicare for All",
        "A single public program covering everyone living here, with no premiums, deductibles "
        "or copays, and the freedom to choose any provider.",
    ),
    (
        "Climate and jobs",
        "A Green New Deal",
        "Decarbonize the economy within a decade through public investment, with union jobs and "
        "a just transition for workers and communities in fossil-fuel regions.",
    ),
    (
        "Labor",
        "The PRO Act",
        "Restore the freedom to organize: end captive-audience meetings, ban permanent "
        "replacement of strikers, and make employers pay for breaking the law.",
    ),
    (
        "Democracy",
        "End corruption",
        "Public financing of elections, a ban on corporate PAC money, and no stock trading by "
        "members of Congress or their families.",
    ),
    (
        "Housing",
        "Homes for all",
        "Build millions of permanently affordable social homes and guarantee tenants the right "
        "to counsel, rent stabilization and freedom from unjust eviction.",
    ),
]


def seed_program(size: int, rng: random.Random) -> dict[str, int]:
    adopted = []
    for order, (section, title, text) in enumerate(PLANKS, start=1):
        plank = services.draft_plank(
            actor=None, section=section, title=title, text=text, order=order * 10
        )
        services.open_for_comment(actor=None, plank=plank)
        adopted.append(
            services.adopt_plank(actor=None, plank=plank, rule="2025 convention resolution")
        )
    revision = services.revise_plank(
        actor=None,
        plank=adopted[4],
        text=PLANKS[4][2] + " Add a national tenant union recognition law.",
    )
    services.open_for_comment(actor=None, plank=revision)
    return {"planks adopted": len(adopted), "revisions open for comment": 1}


seeds.register("program.planks", Seed(run=seed_program, order=45))
