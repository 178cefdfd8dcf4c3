print("EMBenchmark: not written yet")
