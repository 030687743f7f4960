#!/usr/bin/env python3
"""Results tables for the public corpus (models/corpus).

Reads models/corpus/MANIFEST.json (what corpus.py recorded: expectation, whether Keras 3.15 loads
each file as-is), bench/corpus_kerasbridge.json and bench/corpus_dl4j.json (written by
bench/corpus_report.sh, one JVM each). Prints the summary table for README.md and rewrites the
per-file table in models/corpus/README.md between its TABLE markers.
"""
import collections
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "models" / "corpus"


def load(p):
    p = ROOT / p
    if not p.exists():
        return {}
    # raw_decode: DL4J's JVM can crash at exit (native threads of timed-out predictions) and
    # print the JVM's crash report after the JSON.
    doc, _ = json.JSONDecoder().raw_decode(p.read_text())
    return {f["id"]: f for f in doc["files"]}


def short(err, n=70):
    err = re.sub(r"\s+", " ", err or "")
    return err[:n] + ("..." if len(err) > n else "")


def main():
    man = json.loads((CORPUS / "MANIFEST.json").read_text())["files"]
    kb, dl = load("bench/corpus_kerasbridge.json"), load("bench/corpus_dl4j.json")
    n = len(man)
    exp = collections.Counter(e.get("expected") for e in man)
    gaps = [e for e in man if e.get("known_gap")]
    parity = [e for e in man if e.get("expected") == "parity" and not e.get("known_gap")]
    refuse = [e for e in man if str(e.get("expected", "")).startswith("refuse")]

    def row_kb():
        loaded = sum(1 for e in man if kb.get(e["id"], {}).get("loaded"))
        matched = sum(1 for e in parity if kb.get(e["id"], {}).get("matched"))
        refused = sum(1 for e in refuse if not kb.get(e["id"], {}).get("loaded"))
        failed = sum(1 for e in man if not kb.get(e["id"], {}).get("loaded")
                     and not str(e.get("expected", "")).startswith("refuse"))
        return loaded, matched, refused, failed

    def row_keras():
        as_is = sum(1 for e in man if e.get("keras3_as_is") == "loads")
        translated = sum(1 for e in man if e.get("reference_source") == "keras3-patched-config")
        paths = sum(1 for e in man
                    if e.get("reference_source") == "keras3-patched-config-and-weight-paths")
        return as_is, translated, paths

    def row_dl():
        imported = sum(1 for e in man if dl.get(e["id"], {}).get("imported")
                       or dl.get(e["id"], {}).get("predicted"))
        matched = sum(1 for e in parity if dl.get(e["id"], {}).get("matched"))
        predicted = sum(1 for e in man if dl.get(e["id"], {}).get("predicted"))
        return imported, predicted, matched

    kl, km, kr, kf = row_kb()
    ka, kt, kp = row_keras()
    di, dp, dm = row_dl()
    print(f"{n} files: {exp.get('parity', 0)} with a Keras reference (parity), "
          f"{exp.get('refuse-lambda', 0)} Lambda, {exp.get('refuse-custom', 0)} custom-object, "
          f"{exp.get('load-only', 0)} that Keras 3.15 cannot load even translated; "
          + (f"{len(gaps)} known gaps ("
             + ", ".join(sorted({g["known_gap"]["kind"] for g in gaps})) + ").\n"
             if gaps else "no known gaps.\n"))
    print("| | loaded | matched Keras (1e-5) | refused | failed to load |")
    print("|---|---|---|---|---|")
    print(f"| KerasBridge | {kl}/{n} | {km}/{len(parity)} (parity files without a known gap) | {kr}/{len(refuse)} (Lambda/custom, "
          f"named in the message) | {kf} |")
    print(f"| Keras 3.15.1, file as-is | {ka}/{n} | (the reference; {kt + kp} more through the "
          f"Keras 2 translation: {kt} config-only, {kp} config and weight paths) | "
          f"{len(refuse)} (not loaded: need code) | {n - ka - len(refuse)} |")
    print(f"| DL4J 1.0.0-M2.1 | {di}/{n} | {dm}/{len(parity)} (predicted {dp}) | - | {n - di} |")
    reasons = collections.Counter()
    for e in man:
        r = dl.get(e["id"], {})
        if r and not r.get("imported"):
            m = re.sub(r"[\d_]+", "#", short(r.get("error", ""), 60))
            reasons[m] += 1
    if reasons:
        print("\nDL4J import failures by message:\n")
        for m, c in reasons.most_common(8):
            print(f"- {c} x `{m}`")

    lines = ["| id | repository | path | keras | layer types | expected | Keras 3.15 as-is | "
             "KerasBridge | DL4J |", "|---|---|---|---|---|---|---|---|---|"]
    for e in man:
        k, d = kb.get(e["id"], {}), dl.get(e["id"], {})
        kbs = ("matched" if k.get("matched") else
               f"max diff {k.get('max_abs_diff'):.2g}" if "max_abs_diff" in k else
               "loaded" if k.get("loaded") else "refused: " + short(k.get("error"), 60)) if k else "?"
        dls = ("matched" if d.get("matched") else
               f"differs ({d.get('max_abs_diff'):.2g})" if "max_abs_diff" in d else
               "imported" if d.get("imported") else "fails: " + short(d.get("error"), 50)) if d else "?"
        types = ", ".join(f"{c}x{n}" if n > 1 else c
                          for c, n in (e.get("layer_types") or {}).items())
        expected = e.get("expected", "?") + (" (known gap)" if e.get("known_gap") else "")
        as_is = e.get("keras3_as_is", "?")
        as_is = "loads" if as_is == "loads" else short(as_is, 50)
        lines.append(f"| {e['id']} | {e['repository']} | `{e['path']}` | {e.get('keras_version')} | "
                     f"{types} | {expected} | {as_is} | {kbs} | {dls} |".replace("\n", " "))
    readme = CORPUS / "README.md"
    text = readme.read_text() if readme.exists() else "<!-- TABLE -->\n<!-- /TABLE -->\n"
    text = re.sub(r"<!-- TABLE -->.*<!-- /TABLE -->",
                  "<!-- TABLE -->\n" + "\n".join(lines) + "\n<!-- /TABLE -->", text, flags=re.S)
    readme.write_text(text)


if __name__ == "__main__":
    main()
