# stoprun.py SIGNALS MARKER -- ARGS...: runs ARGS (stdout in ./out, stderr in
# ./err), waits (at most 20 s) for the file MARKER, sends each signal of
# SIGNALS (comma-separated, 0.3 s apart) after SIG_DELAY seconds, and prints
# "STATUS SECONDS": the exit status and the seconds from the first signal to
# the exit ("none" sends no signal and times from the marker). For the
# script cases that stop a run by signal (python3 "$ROOT/tests/script/stoprun.py").
import os, signal, subprocess, sys, time
sigs = [] if sys.argv[1] == "none" else [getattr(signal, s) for s in sys.argv[1].split(",")]
marker, args = sys.argv[2], sys.argv[4:]
with open("out", "wb") as out, open("err", "wb") as err:
    p = subprocess.Popen(args, stdout=out, stderr=err)
    deadline = time.time() + 20
    while not os.path.exists(marker) and p.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    if not os.path.exists(marker):
        p.kill(); p.wait(); print("no-marker 0"); sys.exit(0)
    time.sleep(float(os.environ.get("SIG_DELAY", "0.3")))
    t0 = time.time()
    for i, s in enumerate(sigs):
        if i: time.sleep(0.3)
        if p.poll() is None: p.send_signal(s)
    try:
        rc = p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill(); p.wait(); print("hung 0"); sys.exit(0)
    print(rc if rc >= 0 else "signal%d" % -rc, "%.3f" % (time.time() - t0))
