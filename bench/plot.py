#!/usr/bin/python3
"""Plots the suite's CSV (bench/run.sh writes build-bench/bench/results.csv):
flip latency p50/p99 and vdispld CPU per flip against the number of
connectors, unthrottled 1080p, zero copy vs copy. Run by hand with Debian's
python3-matplotlib; the PNG is committed.
usage: bench/plot.py RESULTS.csv OUT.png"""
import csv
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def series(rows, zero_copy):
    pts = sorted((int(r["conns"]), r) for r in rows
                 if r["unthrottled"] == "1" and r["height"] == "1080"
                 and r["zero_copy"] == ("1" if zero_copy else "0"))
    return [p[0] for p in pts], [p[1] for p in pts]


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    fig, (lat, cpu) = plt.subplots(1, 2, figsize=(11, 4.2))
    for zc, style in ((True, "o-"), (False, "s--")):
        name = "zero copy" if zc else "copy"
        x, rs = series(rows, zc)
        lat.plot(x, [float(r["lat_p50_us"]) for r in rs], style,
                 label=name + " p50")
        lat.plot(x, [float(r["lat_p99_us"]) for r in rs], style,
                 label=name + " p99", alpha=0.6)
        cpu.plot(x, [float(r["cpu_us_per_flip"]) for r in rs], style,
                 label=name)
    for ax, title, unit in ((lat, "flip latency (guest PG_FLIP -> EVT)", "us"),
                            (cpu, "vdispld CPU per flip", "us")):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("connectors (1080p, compositor unthrottled)")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=100)


if __name__ == "__main__":
    main()
