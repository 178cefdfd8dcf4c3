"""One-epoch timing of a NumPy VAE on the 8x8 digits, the reference for VAEBenchmark.

The network and the arithmetic match `VAE` in the Swift `Inference` library: encoder
64 -> H (tanh) -> 2L (mean and log standard deviation), decoder L -> H (tanh) -> 64 Bernoulli
logits, one reparameterized sample per example, analytic KL, Adam, float64, minibatches of B.

Usage: python3 vae_numpy.py DIGITS_CSV [--hidden H] [--latent L] [--batch B] [--epochs E]
Prints `blas_threads <n>` (OpenBLAS's own count, or `unknown`), then one line per epoch: `epoch <i> seconds <wall> cpu <process CPU seconds, all threads> elbo <mean ELBO>`,
then `median_seconds <t>`.
"""
import argparse
import ctypes
import glob
import os
import time

import numpy as np


def softplus(a):
    return np.logaddexp(0.0, a)


def sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def blas_threads():
    """The thread count NumPy's bundled OpenBLAS will use, asked from the library itself."""
    folder = os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs")
    for path in glob.glob(os.path.join(folder, "*openblas*")):
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"):
            if hasattr(lib, name):
                return str(getattr(lib, name)())
    return "unknown"


def init_layer(rng, n_in, n_out):
    limit = np.sqrt(6.0 / (n_in + n_out))
    return [rng.uniform(-limit, limit, size=(n_in, n_out)), np.zeros(n_out)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--latent", type=int, default=8)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    args = parser.parse_args()

    print(f"blas_threads {blas_threads()}", flush=True)
    raw = np.loadtxt(args.csv, delimiter=",")
    x_all = (raw[:, :64] > 7).astype(np.float64)
    n, d = x_all.shape
    h, l, b = args.hidden, args.latent, args.batch
    rng = np.random.default_rng(0)

    params = init_layer(rng, d, h) + init_layer(rng, h, 2 * l) + init_layer(rng, l, h) + init_layer(rng, h, d)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps, lr = 0.9, 0.999, 1e-8, args.learning_rate
    step = 0
    times = []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        cpu_start = time.process_time()
        order = rng.permutation(n)
        total = 0.0
        for first in range(0, n, b):
            x = x_all[order[first:first + b]]
            rows = x.shape[0]
            w1, b1, w2, b2, w3, b3, w4, b4 = params
            # Encoder.
            h1 = np.tanh(x @ w1 + b1)
            out = h1 @ w2 + b2
            mu, rho = out[:, :l], out[:, l:]
            sigma = np.exp(rho)
            e = rng.standard_normal((rows, l))
            z = mu + sigma * e
            # Decoder.
            h2 = np.tanh(z @ w3 + b3)
            logits = h2 @ w4 + b4
            recon = np.sum(x * logits - softplus(logits), axis=1)
            kl = 0.5 * np.sum(mu * mu + sigma * sigma - 1.0 - 2.0 * rho, axis=1)
            total += np.sum(recon - kl)
            # Backward of the loss -mean(ELBO).
            scale = -1.0 / rows
            g_logits = scale * (x - sigmoid(logits))
            g_w4 = h2.T @ g_logits
            g_b4 = g_logits.sum(axis=0)
            g_h2 = (g_logits @ w4.T) * (1.0 - h2 * h2)
            g_w3 = z.T @ g_h2
            g_b3 = g_h2.sum(axis=0)
            g_z = g_h2 @ w3.T
            g_mu = g_z - scale * mu
            g_rho = g_z * sigma * e - scale * (sigma * sigma - 1.0)
            g_out = np.concatenate([g_mu, g_rho], axis=1)
            g_w2 = h1.T @ g_out
            g_b2 = g_out.sum(axis=0)
            g_h1 = (g_out @ w2.T) * (1.0 - h1 * h1)
            g_w1 = x.T @ g_h1
            g_b1 = g_h1.sum(axis=0)
            grads = [g_w1, g_b1, g_w2, g_b2, g_w3, g_b3, g_w4, g_b4]
            # Adam.
            step += 1
            c1 = 1.0 - beta1 ** step
            c2 = 1.0 - beta2 ** step
            for p, g, mi, vi in zip(params, grads, m, v):
                mi *= beta1
                mi += (1.0 - beta1) * g
                vi *= beta2
                vi += (1.0 - beta2) * g * g
                p -= lr * (mi / c1) / (np.sqrt(vi / c2) + eps)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        times.append(elapsed)
        print(f"epoch {epoch + 1} seconds {elapsed:.6f} cpu {cpu:.6f} elbo {total / n:.4f}", flush=True)
    print(f"median_seconds {float(np.median(times)):.6f}")


if __name__ == "__main__":
    main()
