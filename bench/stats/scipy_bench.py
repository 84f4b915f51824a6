"""SciPy side of bench/stats/run.mjs: times the same tests on the same float64 files; prints JSON."""
import json
import statistics
import sys
import time

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

d, repeats = sys.argv[1], int(sys.argv[2])
warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 1
x = np.fromfile(f"{d}/x.f64", dtype="<f8")
y = np.fromfile(f"{d}/y.f64", dtype="<f8")


def psi(ref, cur):
    edges = np.unique(np.quantile(ref, [k / 10 for k in range(1, 10)]))
    cr = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1)
    cc = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1)
    pr = np.clip(cr / len(ref), 1e-4, None)
    pc = np.clip(cc / len(cur), 1e-4, None)
    return float(np.sum((pc - pr) * np.log(pc / pr))), cr, cc


_, cr, cc = psi(x, y)


def battery():
    stats.ks_2samp(x, y)
    stats.wasserstein_distance(x, y)
    psi(x, y)
    stats.cramervonmises_2samp(x, y)


tests = {
    "sort x (V8 TypedArray sort; SciPy column: np.sort)": lambda: np.sort(x),
    "ks_2samp": lambda: stats.ks_2samp(x, y),
    "mannwhitneyu": lambda: stats.mannwhitneyu(x, y),
    "cramervonmises_2samp": lambda: stats.cramervonmises_2samp(x, y),
    "anderson_ksamp": lambda: stats.anderson_ksamp([x, y]),
    "wasserstein_distance": lambda: stats.wasserstein_distance(x, y),
    "psi (ref deciles)": lambda: psi(x, y),
    "chi2_contingency (2x10 bins)": lambda: stats.chi2_contingency([cr, cc]),
    "jensenshannon (10 bins)": lambda: jensenshannon(cr, cc, base=2),
    "battery 1 column (one sort: KS+W+PSI+CvM)": battery,
}
out = {}
import warnings

warnings.simplefilter("ignore")
for name, fn in tests.items():
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    out[name] = {"wall": statistics.median(wall), "cpu": statistics.median(cpu)}
print(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "times": out}))
