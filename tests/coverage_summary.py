#!/usr/bin/env python3
"""Line and branch coverage of runtime/, from a build made with CLUA_COVERAGE.

Reads every .gcno under BUILD with gcov's JSON output (gcc's own gcov, no
other package): a source whose object never ran still counts, with every
line unrun. Sums what several objects say of one line (a header's inline
function), then prints each folder of runtime/ and the total. --files adds
each file, least covered first; --uncovered FILE lists a file's unrun lines
and never-taken branches, to find the error paths no test reaches.

usage: coverage_summary.py BUILD ROOT [--files] [--uncovered runtime/x/y.c]
"""
import json
import os
import subprocess
import sys


def gcov_json(build, gcnos):
    """Yields gcov's JSON document for each object, run in a scratch cwd."""
    out = subprocess.run(["gcov", "--json-format", "--stdout", "--branch-probabilities"] + gcnos,
                         cwd=build, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.strip():
            yield json.loads(line)


def collect(build, root):
    """{source path relative to root: {line: [count, {branch index: count}]}}."""
    gcnos = []
    for dirpath, _, names in os.walk(os.path.abspath(build)):
        gcnos += [os.path.join(dirpath, n) for n in names if n.endswith(".gcno")]
    runtime = os.path.join(os.path.realpath(root), "runtime") + os.sep
    files = {}
    for doc in gcov_json(build, sorted(gcnos)):
        for f in doc["files"]:
            path = os.path.realpath(os.path.join(doc["current_working_directory"], f["file"]))
            if not path.startswith(runtime):
                continue
            lines = files.setdefault(os.path.relpath(path, root), {})
            for ln in f["lines"]:
                entry = lines.setdefault(ln["line_number"], [0, {}])
                entry[0] += ln["count"]
                for i, b in enumerate(ln["branches"]):
                    entry[1][i] = entry[1].get(i, 0) + b["count"]
    return files


def figures(lines):
    """(lines run, lines, branches taken, branches)."""
    run = sum(1 for c, _ in lines.values() if c > 0)
    branches = [n for _, bs in lines.values() for n in bs.values()]
    return run, len(lines), sum(1 for n in branches if n > 0), len(branches)


def pct(a, b):
    return f"{100.0 * a / b:5.1f}%" if b else "    -"


def row(name, f):
    return (f"{name:<34} {f[0]:>6}/{f[1]:<6} {pct(f[0], f[1])}   "
            f"{f[2]:>6}/{f[3]:<6} {pct(f[2], f[3])}")


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    build, root = argv[1], argv[2]
    files = collect(build, root)
    if not files:
        sys.exit(f"no coverage data under {build}: configure it with -DCLUA_COVERAGE=ON")
    if "--uncovered" in argv:
        want = argv[argv.index("--uncovered") + 1]
        for ln, (count, bs) in sorted(files.get(want, {}).items()):
            missed = [i for i, n in sorted(bs.items()) if n == 0]
            if count == 0 or missed:
                note = "unrun" if count == 0 else f"branches never taken: {missed}"
                print(f"{want}:{ln}: {note}")
        return
    folders = {}
    for path, lines in files.items():
        folder = os.path.dirname(path)
        acc = folders.setdefault(folder, {})
        for ln, v in lines.items():
            acc[(path, ln)] = v
    print(f"{'coverage of runtime/':<34} {'lines':>20}   {'branches':>20}")
    for folder in sorted(folders):
        print(row(folder, figures(folders[folder])))
    total = {(p, ln): v for p, lines in files.items() for ln, v in lines.items()}
    print(row("total", figures(total)))
    if "--files" in argv:
        print()
        for path in sorted(files, key=lambda p: figures(files[p])[0] / max(1, figures(files[p])[1])):
            print(row(path, figures(files[path])))


if __name__ == "__main__":
    main(sys.argv)
