print("FiguresBenchmark: not written yet")
