print("VAEBenchmark: not written yet")
