// swift-tools-version:6.0
// Benchmark programs, kept out of the main package so that `make test` never times anything.
// Each prints its figures; run them with `make bench` (or `swift run -c release --package-path
// Benchmarks <name>`).
import PackageDescription

let package = Package(
    name: "swift-inference-benchmarks",
    dependencies: [
        .package(name: "swift-inference-notebooks", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "EngineBenchmark",
            dependencies: [.product(name: "CellEngine", package: "swift-inference-notebooks")]
        ),
        .executableTarget(
            name: "EMBenchmark",
            dependencies: [.product(name: "Inference", package: "swift-inference-notebooks")]
        ),
        .executableTarget(
            name: "VAEBenchmark",
            dependencies: [.product(name: "Inference", package: "swift-inference-notebooks")]
        ),
        .executableTarget(
            name: "JSONBenchmark",
            dependencies: [.product(name: "CellEngine", package: "swift-inference-notebooks")]
        ),
        // OpenBLAS for DenseBenchmark's comparison only (Debian libopenblas-dev); the package itself uses no BLAS.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .executableTarget(
            name: "DenseBenchmark",
            dependencies: ["COpenBLAS", .product(name: "NumericsCore", package: "swift-inference-notebooks")]
        ),
        .executableTarget(
            name: "FiguresBenchmark",
            dependencies: [.product(name: "Figures", package: "swift-inference-notebooks")]
        ),
    ]
)
