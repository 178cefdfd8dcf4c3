// swift-tools-version:6.0
import PackageDescription

// Linux only: built and tested on x86-64 Linux with glibc (Debian, Swift 6.3). No Apple platform is
// declared because none is supported; SystemLibC stops a build elsewhere with an error that says so.
let package = Package(
    name: "swift-inference-notebooks",
    products: [
        // The one command-line tool: `kernel`, `install`, `execute`.
        .executable(name: "swift-inference", targets: ["SwiftInferenceCLI"]),
        // The process that loads and runs compiled cells.
        .executable(name: "swift-inference-worker", targets: ["CellWorker"]),
        // What every compiled cell links against and sees without an import.
        .library(name: "NotebookSupport", type: .dynamic, targets: ["CellRuntime", "Inference", "Figures", "NumericsCore", "WideKernels", "SystemLibC"]),
        .library(name: "NumericsCore", targets: ["NumericsCore"]),
        .library(name: "Inference", targets: ["Inference"]),
        .library(name: "Figures", targets: ["Figures"]),
        .library(name: "CellEngine", targets: ["CellEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
    ],
    targets: [
        // MARK: The platform

        // The C library (Glibc), re-exported: the one file that names it.
        .target(name: "SystemLibC"),

        // MARK: The library students use

        // Wide (AVX2 / AVX-512) matrix kernels in C, chosen at run time.
        .target(name: "CInferenceKernels"),
        // The C kernels behind a resilient Swift API: built with library evolution, so its internal import
        // of the C module stays invisible to cells, which then need no C module map (see its source).
        .target(
            name: "WideKernels",
            dependencies: ["CInferenceKernels"],
            swiftSettings: [.unsafeFlags(["-enable-library-evolution"])]
        ),
        // Each numerical algorithm once: Cholesky, log-space reductions, SIMD math, dense kernels,
        // the pair worker, sample means, decimal text. Imported internally by Inference and Figures.
        .target(name: "NumericsCore", dependencies: ["SystemLibC", "WideKernels"]),
        .testTarget(name: "NumericsCoreTests", dependencies: ["NumericsCore"]),
        .target(name: "Inference", dependencies: ["SystemLibC", "NumericsCore"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "NumericsCore"]),

        .target(name: "Figures", dependencies: ["NumericsCore", "SystemLibC"]),
        // zlib inflates the PNGs the rendering tests rasterize figures to (Debian zlib1g-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "CZlib"], exclude: ["Snapshots"]),

        // MARK: Running cells

        .target(name: "NotebookJSON"),
        .testTarget(name: "NotebookJSONTests", dependencies: ["NotebookJSON"], resources: [.copy("Fixtures")]),
        // The frames a worker sends the engine, encoded and decoded in one place; small enough for the worker.
        .target(name: "WorkerProtocol", dependencies: ["NotebookJSON"]),
        .target(name: "CellRuntime", dependencies: ["SystemLibC", "Figures", "WorkerProtocol", "NotebookJSON"]),
        .target(
            name: "CellEngine",
            dependencies: [
                "SystemLibC",
                "NotebookJSON",
                "WorkerProtocol",
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftParser", package: "swift-syntax"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "CellEngineTests", dependencies: ["SystemLibC", "CellEngine", "WorkerProtocol"]),

        .target(name: "CWorkerSupport"),
        .executableTarget(
            name: "CellWorker",
            dependencies: ["SystemLibC", "CWorkerSupport", "WorkerProtocol"],
            // A small C-interop program around stdio and dlopen: Swift 5 mode spares it global-state ceremony.
            swiftSettings: [.swiftLanguageMode(.v5)],
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"])]
        ),

        // MARK: Jupyter

        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .target(
            name: "JupyterProtocol",
            dependencies: ["SystemLibC", "CZeroMQ", "NotebookJSON", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "Kernel", dependencies: ["SystemLibC", "JupyterProtocol", "CellEngine"]),
        .testTarget(name: "KernelTests", dependencies: ["Kernel", "JupyterProtocol", "CellEngine"]),

        .target(
            name: "NotebookRunner",
            dependencies: [
                "SystemLibC",
                "CellEngine",
                "Figures",  // the one HTML escaper
                // The report's Swift highlighting: swift-syntax's own classification.
                .product(name: "SwiftIDEUtils", package: "swift-syntax"),
                .product(name: "SwiftParser", package: "swift-syntax"),
                .product(name: "SwiftSyntax", package: "swift-syntax"),
            ]
        ),
        .testTarget(name: "NotebookRunnerTests", dependencies: ["NotebookRunner"], exclude: ["Fixtures"]),

        // MARK: The command-line tool

        .executableTarget(
            name: "SwiftInferenceCLI",
            dependencies: [
                "SystemLibC",
                "Kernel",
                "NotebookRunner",
                "CellEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
