"""Benchmark Bloc's tally engine against Python peers, side by side.

    python bench/tally/run.py [--sizes 100000 1000000] [--peer-limit 100000]

Synthetic ranked ballots: 10 candidates, ranking lengths 1-10, skewed popularity (a
Plackett-Luce draw with Zipf weights), fixed seed. Each measurement runs in a fresh
subprocess (peak memory = the child's max RSS) and counts *from the ballot file* (BLT) to the
result. Peers get the same ballots: pyrankvote one object per ballot (it has no weights),
pref_voting and VoteKit one weighted entry per distinct ranking (their fastest input).
A peer that is not installed is reported as such. Peers are skipped above --peer-limit
ballots because they take minutes there.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
N_CAND = 10


def make_blt(n: int, path: Path, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, N_CAND + 1) ** 1.1
    keys = np.log(weights) + rng.gumbel(size=(n, N_CAND))
    order = np.argsort(-keys, axis=1) + 1
    lengths = rng.integers(1, N_CAND + 1, size=n)
    lines = [f"{N_CAND} 3"]
    for row, k in zip(order.tolist(), lengths.tolist(), strict=True):
        lines.append("1 " + " ".join(map(str, row[:k])) + " 0")
    lines.append("0")
    lines += [f'"C{i + 1}"' for i in range(N_CAND)]
    lines.append('"synthetic"')
    path.write_text("\n".join(lines) + "\n")


# --- one measurement (runs in a child process) ----------------------------------------------


def _rows(path: Path) -> tuple[list[str], list[tuple[tuple[int, ...], int]], list[tuple[int, ...]]]:
    sys.path.insert(0, str(ROOT))
    from bloc.democracy.tally.blt import read_blt

    prof = read_blt(path)
    compact = [
        (tuple(int(c) for c in r if c >= 0), int(n))
        for r, n in zip(prof.ranks, prof.counts, strict=True)
    ]
    every = [r for r, n in compact for _ in range(n)]
    return list(prof.candidates), compact, every


def measure(engine: str, method: str, path: Path) -> dict[str, object]:
    t0 = time.perf_counter()
    if engine == "bloc":
        sys.path.insert(0, str(ROOT))
        from bloc.democracy.tally import count_irv, count_meek, count_scottish, read_blt

        prof = read_blt(path)
        if method == "irv":
            res = count_irv(prof, seed="bench")
        elif method == "stv3":
            res = count_scottish(prof, 3, seed="bench")
        else:
            res = count_meek(prof, 3, seed="bench")
        winners = res.winners
    elif engine == "pyrankvote":
        import pyrankvote
        from pyrankvote import Ballot, Candidate

        names, _, every = _rows(path)
        cands = [Candidate(n) for n in names]
        ballots = [Ballot(ranked_candidates=[cands[c] for c in r]) for r in every]
        if method == "irv":
            out = pyrankvote.instant_runoff_voting(cands, ballots)
        else:
            out = pyrankvote.single_transferable_vote(cands, ballots, number_of_seats=3)
        winners = [c.name for c in out.get_winners()]
    elif engine == "pref_voting":
        from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
        from pref_voting.profiles_with_ties import ProfileWithTies

        names, compact, _ = _rows(path)
        rankings = [{c: k + 1 for k, c in enumerate(r)} for r, _ in compact]
        prof_t = ProfileWithTies(
            rankings, rcounts=[n for _, n in compact], candidates=list(range(N_CAND))
        )
        winners = [names[c] for c in instant_runoff_for_truncated_linear_orders(prof_t)]
    elif engine == "votekit":
        from votekit import RankProfile
        from votekit.ballot import RankBallot
        from votekit.elections import IRV, STV

        names, compact, _ = _rows(path)
        ballots = [RankBallot(ranking=[{names[c]} for c in r], weight=n) for r, n in compact]
        vprof = RankProfile(ballots=ballots, candidates=names)
        election = IRV(vprof) if method == "irv" else STV(vprof, n_seats=3)
        winners = sorted(c for s in election.get_elected() for c in s)
    else:
        raise ValueError(engine)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "winners": winners}


def run_child(engine: str, method: str, path: Path, timeout: float) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--one", engine, method, str(path)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"status": f"timeout > {timeout:.0f} s"}
    if out.returncode != 0:
        err = out.stderr.strip().splitlines()
        last = err[-1] if err else f"exit {out.returncode}"
        if "ModuleNotFoundError" in last or "ImportError" in last:
            return {"status": "not installed"}
        return {"status": f"failed: {last[:60]}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


PEERS = {"irv": ["pyrankvote", "pref_voting", "votekit"], "stv3": ["pyrankvote", "votekit"]}
LABEL = {"irv": "IRV", "stv3": "STV 3 seats (Bloc: Scottish)", "meek3": "Meek STV 3 seats"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--peer-limit", type=int, default=100_000)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--one", nargs=3, metavar=("ENGINE", "METHOD", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        engine, method, file = args.one
        print(json.dumps(measure(engine, method, Path(file))))
        return 0
    header = (
        f"{'ballots':>9}  {'method':<28} {'engine':<12} "
        f"{'seconds':>9} {'peak MB':>8} {'vs Bloc':>9}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"ballots-{n}.blt"
            make_blt(n, path)
            methods = ["irv", "stv3"] + (["meek3"] if n <= 100_000 else [])
            for method in methods:
                base = run_child("bloc", method, path, args.timeout)
                rows = [("bloc", base)]
                for peer in PEERS.get(method, []):
                    if n > args.peer_limit:
                        rows.append((peer, {"status": f"skipped (> {args.peer_limit} ballots)"}))
                    else:
                        rows.append((peer, run_child(peer, method, path, args.timeout)))
                for engine, r in rows:
                    if "seconds" in r:
                        secs = float(r["seconds"])  # type: ignore[arg-type]
                        ratio = secs / float(base["seconds"]) if "seconds" in base else float("nan")  # type: ignore[arg-type]
                        print(
                            f"{n:>9}  {LABEL[method]:<28} {engine:<12} {secs:>9.3f} "
                            f"{float(r['peak_mb']):>8.0f} {ratio:>8.1f}x"  # type: ignore[arg-type]
                        )
                    else:
                        print(f"{n:>9}  {LABEL[method]:<28} {engine:<12} {r['status']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
