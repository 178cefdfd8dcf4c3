"""Reference values for the Gaussian-mixture tests (Tests/InferenceTests/GaussianMixture*.swift).

Fits scikit-learn's GaussianMixture on data/faithful.csv (both columns, unscaled) and on data/iris.csv
(four features) for every covariance type, with n_init=10 so that each fit reaches its best optimum,
and prints the total log-likelihood, BIC, AIC, weights and means. Run once from the repository root:

    python3 scripts/reference/gmm_faithful.py
"""
import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture

faithful = np.loadtxt("data/faithful.csv", delimiter=",", skiprows=1, usecols=(1, 2))
iris = np.loadtxt("data/iris.csv", delimiter=",", skiprows=1, usecols=(0, 1, 2, 3))

print("scikit-learn", sklearn.__version__)


def report(name, X, k, cov):
    gm = GaussianMixture(n_components=k, covariance_type=cov, n_init=10, tol=1e-10, max_iter=5000,
                         random_state=0).fit(X)
    order = np.lexsort(gm.means_.T[::-1])
    ll = gm.score(X) * X.shape[0]
    print(f"{name} K={k} {cov}: loglik={ll:.6f} bic={gm.bic(X):.4f} aic={gm.aic(X):.4f} "
          f"params={gm._n_parameters()}")
    print("   weights", np.array2string(gm.weights_[order], precision=6))
    print("   means  ", np.array2string(gm.means_[order], precision=6).replace("\n", ""))


for k in (1, 2, 3, 4):
    report("faithful", faithful, k, "full")
for cov in ("diag", "spherical", "tied"):
    for k in (2, 3):
        report("faithful", faithful, k, cov)
report("eruptions", faithful[:, :1], 2, "full")
for cov in ("full", "diag", "spherical", "tied"):
    report("iris", iris, 3, cov)
