"""scikit-learn side of the EM benchmark (run by Benchmarks/Sources/EMBenchmark).

Usage: python3 em_sklearn.py DATA.f64 PARAMS.txt N D K ITERATIONS

DATA.f64 holds N×D little-endian float64 values, row-major. PARAMS.txt holds the initial weights
(one line), the K means (K lines) and the K covariance matrices (K·D lines), whitespace-separated.
Fits GaussianMixture(covariance_type="full", tol=0, reg_covar=1e-6) from exactly those parameters, once
with max_iter=ITERATIONS and once with max_iter=1; the difference divided by ITERATIONS-1 is the time
per EM iteration without the fixed costs (input checks, initialisation, the final E-step).
Prints one line: key=value pairs.
"""
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

path, params_path, n, d, k, iterations = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
X = np.fromfile(path, dtype="<f8").reshape(n, d)
rows = [list(map(float, line.split())) for line in open(params_path) if line.strip()]
weights = np.array(rows[0])
means = np.array(rows[1:1 + k])
covariances = np.array(rows[1 + k:1 + k + k * d]).reshape(k, d, d)
precisions = np.linalg.inv(covariances)


def fit(max_iter):
    gm = GaussianMixture(n_components=k, covariance_type="full", tol=0.0, reg_covar=1e-6, max_iter=max_iter,
                         init_params="random_from_data", weights_init=weights, means_init=means,
                         precisions_init=precisions, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start, cpu = time.perf_counter(), time.process_time()
        gm.fit(X)
        return time.perf_counter() - start, time.process_time() - cpu, gm


one, one_cpu, _ = fit(1)
full, full_cpu, gm = fit(iterations)
per_iteration = (full - one) / (iterations - 1)
cpu_per_iteration = (full_cpu - one_cpu) / (iterations - 1)
print(f"seconds_total={full:.4f} seconds_one={one:.4f} ms_per_iteration={per_iteration * 1e3:.3f} "
      f"cpu_ms_per_iteration={cpu_per_iteration * 1e3:.3f} "
      f"n_iter={gm.n_iter_} lower_bound={gm.lower_bound_:.12f} score={gm.score(X):.12f}")
