"""Benchmark Bloc's tally engine against Python peers, side by side.

    python bench/tally.py [--sizes 100000 1000000] [--peers pyrankvote ...]
                          [--peer-limit 1000000] [--timeout 600] [--memory 10000000]

Synthetic ranked ballots: 10 candidates, ranking lengths 1-10, skewed popularity (a
Plackett-Luce draw with Zipf weights), fixed seed, written as a BLT file. Each measurement
runs in a fresh subprocess; peak memory is that child's peak RSS (VmHWM; interpreter and
imports included).

* Bloc and peers are timed **from the BLT file to the result** (module imports excluded).
  Peers never use Bloc's reader: a plain-Python reader in this script builds their input
  (pyrankvote: one object per ballot, it has no weights; pref_voting and VoteKit: one
  weighted entry per distinct ranking, their fastest input).
* The peers' **count alone** is also shown, and a second ratio against it: that spares the
  peers all reading, so it is the conservative figure.

A peer that is not installed is reported as such; peers are skipped above --peer-limit
ballots. ``--memory N`` adds Bloc IRV and 3-seat Scottish STV on N ballots (e.g. 10M) to
show peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
N_CAND = 10
SEATS = 3


def make_blt(n: int, path: Path, seed: int = 7) -> None:
    """Write ``n`` synthetic ballots (one per line, multiplier 1) as a BLT file."""
    rng = np.random.default_rng(seed)
    weights = np.log(1.0 / np.arange(1, N_CAND + 1) ** 1.1)
    digits = [str(c).encode() for c in range(N_CAND + 1)]
    with path.open("wb") as out:
        out.write(f"{N_CAND} {SEATS}\n".encode())
        for lo in range(0, n, 1_000_000):
            m = min(1_000_000, n - lo)
            order = np.argsort(-(weights + rng.gumbel(size=(m, N_CAND))), axis=1) + 1
            lengths = rng.integers(1, N_CAND + 1, size=m)
            lines = [
                b"1 " + b" ".join(digits[c] for c in row[:k]) + b" 0\n"
                for row, k in zip(order.tolist(), lengths.tolist(), strict=True)
            ]
            out.write(b"".join(lines))
        out.write(b"0\n")
        out.write("".join(f'"C{i + 1}"\n' for i in range(N_CAND)).encode())
        out.write(b'"synthetic"\n')


# --- one measurement (runs in a child process) ----------------------------------------------


def plain_read(path: Path) -> tuple[list[str], Counter[tuple[int, ...]]]:
    """A minimal BLT reader for the peers' input (numeric ballot lines, then names)."""
    names: list[str] = []
    ballots: Counter[tuple[int, ...]] = Counter()
    with path.open() as f:
        n_cand = int(f.readline().split()[0])
        for line in f:
            nums = line.split()
            if nums == ["0"]:
                break
            ballots[tuple(int(c) - 1 for c in nums[1:-1])] += int(nums[0])
        names = [f.readline().strip().strip('"') for _ in range(n_cand)]
    return names, ballots


def peak_mb() -> float:
    """This process's peak resident memory. Linux: VmHWM, the high-water mark of this
    program's own address space (``ru_maxrss`` would also count the parent's pages this
    child was forked with)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(engine: str, method: str, path: Path) -> dict[str, object]:
    """Time one engine. ``seconds``: from the file to the result (for peers: the plain reader,
    building their input objects, and the count); ``count_seconds``: the count alone."""
    if engine == "bloc":
        sys.path.insert(0, str(ROOT))
        from bloc.democracy.tally import count_irv, count_meek, count_scottish, read_blt

        t0 = time.perf_counter()
        prof = read_blt(path)
        t1 = time.perf_counter()
        if method == "irv":
            res = count_irv(prof, seed="bench")
        elif method == "stv3":
            res = count_scottish(prof, SEATS, seed="bench")
        else:
            res = count_meek(prof, SEATS, seed="bench")
        t2 = time.perf_counter()
        seconds, counting, winners = t2 - t0, t2 - t1, sorted(res.winners)
    else:
        t0 = time.perf_counter()
        names, ballots = plain_read(path)
        counting, winners = PEER_COUNT[engine](method, names, ballots)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "count_seconds": counting, "peak_mb": peak_mb(), "winners": winners}


def count_pyrankvote(
    method: str, names: list[str], ballots: Counter[tuple[int, ...]]
) -> tuple[float, list[str]]:
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    cands = [Candidate(n) for n in names]
    every = [
        Ballot(ranked_candidates=[cands[c] for c in r])
        for r, n in ballots.items()
        for _ in range(n)
    ]
    t0 = time.perf_counter()
    if method == "irv":
        out = pyrankvote.instant_runoff_voting(cands, every)
    else:
        out = pyrankvote.single_transferable_vote(cands, every, number_of_seats=SEATS)
    return time.perf_counter() - t0, sorted(c.name for c in out.get_winners())


def count_pref_voting(
    method: str, names: list[str], ballots: Counter[tuple[int, ...]]
) -> tuple[float, list[str]]:
    from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
    from pref_voting.profiles_with_ties import ProfileWithTies

    rankings = [{c: k + 1 for k, c in enumerate(r)} for r in ballots]
    prof = ProfileWithTies(
        rankings, rcounts=list(ballots.values()), candidates=list(range(len(names)))
    )
    t0 = time.perf_counter()
    won = instant_runoff_for_truncated_linear_orders(prof)
    return time.perf_counter() - t0, sorted(names[c] for c in won)


def count_votekit(
    method: str, names: list[str], ballots: Counter[tuple[int, ...]]
) -> tuple[float, list[str]]:
    from votekit import RankProfile
    from votekit.ballot import RankBallot
    from votekit.elections import IRV, STV

    vballots = [RankBallot(ranking=[{names[c]} for c in r], weight=n) for r, n in ballots.items()]
    vprof = RankProfile(ballots=vballots, candidates=names)
    t0 = time.perf_counter()
    election = IRV(vprof) if method == "irv" else STV(vprof, n_seats=SEATS)
    return time.perf_counter() - t0, sorted(c for s in election.get_elected() for c in s)


PEER_COUNT = {
    "pyrankvote": count_pyrankvote,
    "pref_voting": count_pref_voting,
    "votekit": count_votekit,
}


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
        return {"status": f"failed: {last[:70]}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


PEERS = {"irv": ["pyrankvote", "pref_voting", "votekit"], "stv3": ["pyrankvote", "votekit"]}
LABEL = {"irv": "IRV", "stv3": "STV 3 seats (Bloc: Scottish)", "meek3": "Meek STV 3 seats"}


def report(n: int, method: str, rows: list[tuple[str, dict[str, object]]]) -> None:
    base = rows[0][1]
    for engine, r in rows:
        if "seconds" not in r:
            print(f"{n:>10}  {LABEL[method]:<28} {engine:<12} {r['status']}", flush=True)
            continue
        secs, count = float(r["seconds"]), float(r["count_seconds"])  # type: ignore[arg-type]
        if "seconds" in base:
            ratio = f"{secs / float(base['seconds']):>7.1f}x"  # type: ignore[arg-type]
            ratio_c = f"{count / float(base['seconds']):>7.1f}x"  # type: ignore[arg-type]
        else:
            ratio = ratio_c = f"{'-':>8}"
        print(
            f"{n:>10}  {LABEL[method]:<28} {engine:<12} {secs:>9.3f} {count:>9.3f} "
            f"{float(r['peak_mb']):>8.0f} {ratio} {ratio_c}  {','.join(r['winners'])}",  # type: ignore[arg-type]
            flush=True,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--peer-limit", type=int, default=1_000_000)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--peers", nargs="*", default=["pyrankvote", "pref_voting", "votekit"])
    ap.add_argument("--memory", type=int, metavar="N", help="also run Bloc alone on N ballots")
    ap.add_argument("--one", nargs=3, metavar=("ENGINE", "METHOD", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        engine, method, file = args.one
        print(json.dumps(measure(engine, method, Path(file))))
        return 0
    header = (
        f"{'ballots':>10}  {'method':<28} {'engine':<12} {'file→res':>9} {'count':>9} "
        f"{'peak MB':>8} {'ratio':>8} {'ratio_c':>8}  winners"
    )
    print(header)
    print("-" * len(header), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"ballots-{n}.blt"
            make_blt(n, path)
            methods = ["irv", "stv3"] + (["meek3"] if n <= 100_000 else [])
            for method in methods:
                rows = [("bloc", run_child("bloc", method, path, args.timeout))]
                for peer in [p for p in PEERS.get(method, []) if p in args.peers]:
                    if n > args.peer_limit:
                        rows.append((peer, {"status": f"skipped (> {args.peer_limit} ballots)"}))
                    else:
                        rows.append((peer, run_child(peer, method, path, args.timeout)))
                report(n, method, rows)
            path.unlink()
        if args.memory:
            path = Path(tmp) / f"ballots-{args.memory}.blt"
            make_blt(args.memory, path)
            for method in ("irv", "stv3"):
                report(args.memory, method, [("bloc", run_child("bloc", method, path, 3600))])
    print(
        "\nfile→res: seconds from the BLT file to the result (module imports excluded); for"
        "\npeers a plain-Python reader in this script (not Bloc's) and building their input."
        "\ncount: the count alone. ratio: a peer's file→res / Bloc's file→res; ratio_c: a"
        "\npeer's count alone / Bloc's file→res (the peer spared reading: conservative)."
        "\npeak MB: the measuring child's peak RSS (VmHWM; interpreter and imports included)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
