"""Turns bench/run.sh's JSON lines into bench/RESULTS.md and the ratio CSV for the chart.

Usage: report.py RESULTS.jsonl HEADER.md OUT.md RATIOS.csv
Each ratio is taken per repetition (Java and the reference ran back to back, so both saw the same
machine load) and reported as the median with the min..max spread over repetitions.
"""
import collections
import json
import statistics
import sys


def load(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            rows.append(json.loads(line))
    return rows


def by_rep(rows, key, side, kind):
    return {r["rep"]: r for r in rows if r.get("key") == key and r["side"] == side
            and r["kind"] == kind and "error" not in r}


def ratio(rows, key, a, b, field, invert=False):
    """Median/min/max over reps of a[field]/b[field] (b/a when invert)."""
    ra, rb = by_rep(rows, key, *a), by_rep(rows, key, *b)
    rs = []
    for rep in sorted(set(ra) & set(rb)):
        x, y = ra[rep].get(field), rb[rep].get(field)
        if x and y:
            rs.append(y / x if invert else x / y)
    if not rs:
        return None
    return statistics.median(rs), min(rs), max(rs), len(rs)


def fmt(r, goal=None, lower=False):
    if r is None:
        return "n/a"
    med, lo, hi, n = r
    d = 2 if med >= 0.1 else 4
    s = f"{med:.{d}f}x ({lo:.{d}f}..{hi:.{d}f}, n={n})"
    if goal is not None:
        ok = med <= goal if lower else med >= goal
        s += " ✓" if ok else f" ✗ (goal {'≤' if lower else '≥'} {goal})"
    return s


def med(rows, key, side, kind, field):
    v = [r[field] for r in by_rep(rows, key, side, kind).values() if field in r]
    return statistics.median(v) if v else None


def loads(rows, key):
    v = sorted({r.get("loadavg", "?") for r in rows if r.get("key") == key})
    return "; ".join(v[:3]) + (" ..." if len(v) > 3 else "")


def main(jsonl, header, out, csv):
    rows = load(jsonl)
    keys = list(collections.OrderedDict.fromkeys(r["key"] for r in rows if "key" in r))
    md = [open(header).read().rstrip(), ""]
    chart = []

    fit_keys = [k for k in keys if k.startswith("fit/")]
    if fit_keys:
        md += ["## fit: steps/s, KerasBridge / Keras (higher is better)", "",
               "The last ratio divides steps per CPU second (all threads of each process): on a"
               " shared machine it moves far less with other processes' load than wall time"
               " does, but it is not the goal's measure (a side that keeps both cores busy gains"
               " wall time, not CPU time).", "",
               "| model | batch | java steps/s | keras steps/s | ratio median (min..max, reps) |"
               " java/keras peak RSS MB | load avg during runs | ratio of steps per CPU second |",
               "|---|---:|---:|---:|---|---|---|---|"]
        for k in fit_keys:
            _, model, b = k.split("/")
            goal = 1.5 if any(t in model for t in ("mlp", "ae_", "rnn", "lstm")) else 1.0
            if model.startswith("lstm_seq"):
                goal = None
            r = ratio(rows, k, ("java", "fit"), ("keras", "fit"), "steps_per_second")
            j = med(rows, k, "java", "fit", "steps_per_second")
            kk = med(rows, k, "keras", "fit", "steps_per_second")
            jr = med(rows, k, "java", "fit", "peak_rss_mb")
            kr = med(rows, k, "keras", "fit", "peak_rss_mb")
            rc = ratio(rows, k, ("java", "fit"), ("keras", "fit"), "steps_per_cpu_second")
            md.append(f"| {model} | {b[1:]} | {j or 0:.1f} | {kk or 0:.1f} | {fmt(r, goal)} |"
                      f" {jr or 0:.0f} / {kr or 0:.0f} | {loads(rows, k)} | {fmt(rc)} |")
            if r:
                chart.append(("fit steps/s", f"{model} b{b[1:]}", r[0]))
        md.append("")

    pk = [k for k in keys if k.startswith("predict/")]
    if pk:
        md += ["## predict: throughput at batch 128 (samples/s) and latency at batch 1", "",
               "Throughput ratios are KerasBridge / reference (higher is better); latency ratios"
               " are KerasBridge p50 / reference p50 (lower is better).", "",
               "| model | java samples/s | vs Keras predict | vs Keras model(x) | vs raw TF Java"
               " | java p50 / p99 ms | keras predict p50 / p99 ms | keras model(x) p50 ms"
               " | raw p50 ms | p50 vs Keras predict | p50 vs model(x) | p50 vs raw | peak RSS MB"
               " java / keras / raw |",
               "|---|---:|---|---|---|---:|---:|---:|---:|---|---|---|---|"]
        for k in pk:
            model = k.split("/")[1]
            t_pred = ratio(rows, k, ("java", "predict"), ("keras", "predict"), "samples_per_second")
            t_call = ratio(rows, k, ("java", "predict"), ("keras", "call"), "samples_per_second")
            t_raw = ratio(rows, k, ("java", "predict"), ("raw", "predict"), "samples_per_second")
            l_pred = ratio(rows, k, ("java", "predict"), ("keras", "predict"), "p50_ms")
            l_call = ratio(rows, k, ("java", "predict"), ("keras", "call"), "p50_ms")
            l_raw = ratio(rows, k, ("java", "predict"), ("raw", "predict"), "p50_ms")

            def g(side, kind, f):
                v = med(rows, k, side, kind, f)
                return f"{v:.2f}" if v is not None else "n/a"
            md.append(
                f"| {model} | {g('java', 'predict', 'samples_per_second')} | {fmt(t_pred)} |"
                f" {fmt(t_call)} | {fmt(t_raw, 0.9)} |"
                f" {g('java', 'predict', 'p50_ms')} / {g('java', 'predict', 'p99_ms')} |"
                f" {g('keras', 'predict', 'p50_ms')} / {g('keras', 'predict', 'p99_ms')} |"
                f" {g('keras', 'call', 'p50_ms')} | {g('raw', 'predict', 'p50_ms')} |"
                f" {fmt(l_pred, 0.5, lower=True)} | {fmt(l_call)} | {fmt(l_raw)} |"
                f" {g('java', 'predict', 'peak_rss_mb')} / {g('keras', 'call', 'peak_rss_mb')}"
                f" / {g('raw', 'predict', 'peak_rss_mb')} |")
            if t_pred:
                chart.append(("predict throughput vs Keras predict", model, t_pred[0]))
            if t_raw:
                chart.append(("predict throughput vs raw TF Java", model, t_raw[0]))
            if l_pred:
                chart.append(("batch-1 latency speed-up vs Keras predict", model, 1 / l_pred[0]))
        md.append("")

    lk = [k for k in keys if k.startswith("load/")]
    if lk:
        md += ["## load: file to first prediction (ms; ratio KerasBridge / reference, lower is"
               " better)", "",
               "| file | java ms | keras ms | dl4j ms | java/keras | java/dl4j |",
               "|---|---:|---:|---:|---|---|"]
        for k in lk:
            f = k.split("/", 1)[1]
            r_k = ratio(rows, k, ("java", "load"), ("keras", "load"), "ms")
            r_d = ratio(rows, k, ("java", "load"), ("dl4j", "load"), "ms")
            err = [r["error"] for r in rows if r.get("key") == k and r["side"] == "dl4j"
                   and "error" in r]

            def g(side):
                v = med(rows, k, side, "load", "ms")
                return f"{v:.0f}" if v is not None else "n/a"
            d = g("dl4j") if not err else "not imported: " + err[0][:90].replace("|", "/")
            md.append(f"| {f} | {g('java')} | {g('keras')} | {d} | {fmt(r_k)} | {fmt(r_d)} |")
            if r_k:
                chart.append(("load speed-up vs Keras", f.split("/")[0], 1 / r_k[0]))
            if r_d:
                chart.append(("load speed-up vs DL4J", f.split("/")[0], 1 / r_d[0]))
        md.append("")

    open(out, "w").write("\n".join(md) + "\n")
    with open(csv, "w") as c:
        c.write("series,label,ratio\n")
        for s, label, v in chart:
            c.write(f"{s},{label},{v:.4f}\n")


if __name__ == "__main__":
    main(*sys.argv[1:5])
