"""Reference values for LinearGaussianVAETests (Tests/InferenceTests/LinearGaussianVAETests.swift).

Model: z ~ N(0, I_2), x | z ~ N(W z + b, v I_2) with the W, b, v below. Prints log p(x) from
scipy.stats.multivariate_normal, and the exact posterior mean and covariance from NumPy, for x below.
Run: python3 scripts/reference/vae_linear_gaussian.py
"""
import numpy as np
from scipy.stats import multivariate_normal

W = np.array([[1.5, 1.0], [0.5, 1.2]])
b = np.array([0.3, -0.2])
v = 0.25
x = np.array([1.0, 0.5])

log_evidence = multivariate_normal(mean=b, cov=W @ W.T + v * np.eye(2)).logpdf(x)
precision = np.eye(2) + W.T @ W / v
covariance = np.linalg.inv(precision)
mean = covariance @ W.T @ (x - b) / v
print(f"logEvidence = {float(log_evidence)!r}")
print(f"posteriorMean = [{float(mean[0])!r}, {float(mean[1])!r}]")
print(f"posteriorCovariance = [[{float(covariance[0,0])!r}, {float(covariance[0,1])!r}], [{float(covariance[1,0])!r}, {float(covariance[1,1])!r}]]")
