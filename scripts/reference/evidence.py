"""Reference values for Tests/InferenceTests/EvidenceTests.swift.

The exact log evidence of a deterministic BinaryLatentFeatureModel instance (D = 20 binary latents,
M = 8 dimensions), summing all 2^20 terms with NumPy's logsumexp; and of a MixtureAssignmentModel
data set via SciPy. Run once (pip install numpy scipy); paste the printed numbers into the tests.
"""
import itertools

import numpy as np
from scipy import stats
from scipy.special import logsumexp

D, M = 20, 8
j = np.arange(D)[:, None]; m = np.arange(M)[None, :]
W = 1.5 * np.sin(0.37 * (j + 1) * (m + 1) + 0.5 * j)         # row j is feature w_j
pi = 0.1 + 0.04 * np.arange(D)
sigma = 0.8
x = 1.2 * np.cos(0.9 * np.arange(M)) + 0.3 * np.arange(M) - 1.0

Z = ((np.arange(2**D)[:, None] >> np.arange(D)[None, :]) & 1).astype(float)   # all 2^20 vectors
log_prior = Z @ np.log(pi) + (1 - Z) @ np.log1p(-pi)
means = Z @ W
log_lik = stats.norm(means, sigma).logpdf(x[None, :]).sum(axis=1)
print("binary model D=20, M=8: log p(x) =", repr(logsumexp(log_prior + log_lik)))
post = np.exp(log_prior + log_lik - logsumexp(log_prior + log_lik))
print("posterior marginals =", repr(post @ Z))

w = np.array([0.3, 0.5, 0.2]); mu = np.array([-2.0, 0.0, 3.0]); sd = np.array([0.7, 1.0, 1.5])
data = np.array([-2.3, -1.1, 0.2, 0.4, 2.8, 3.9, -0.5, 1.7, 5.1, -2.9])
dens = sum(wk * stats.norm(mk, sk).pdf(data) for wk, mk, sk in zip(w, mu, sd))
print("mixture model log p(x) =", repr(np.log(dens).sum()))
