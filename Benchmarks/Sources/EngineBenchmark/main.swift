print("EngineBenchmark: not written yet")
