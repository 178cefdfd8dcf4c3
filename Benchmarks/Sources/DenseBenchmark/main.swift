// DenseBenchmark: the VAE's dense products, on its own shapes, through the three implementations
// one could use: the C kernels (AVX2 and AVX-512, `CInferenceKernels`), the portable Swift SIMD
// kernels (the same `DenseKernels` calls on `.portable`), and OpenBLAS's `cblas_dgemm`.
//
//     swift run -c release --package-path Benchmarks DenseBenchmark [--runs R] [--steps S]
//
// One "step" is the products of one training step of one minibatch shard (the training loop splits a
// minibatch of B ≥ 32 rows into two shards of B/2 rows, one per thread): for each layer in → out, the
// forward product X·W (rows×in · in×out), the weight gradient Xᵀ·δ, and the input gradient δ·Wᵀ
// (with Wᵀ stored, as the training loop keeps it). A run times S steps on each implementation in turn;
// the figure printed is the median over R runs of µs per step. OpenBLAS runs single-threaded (the
// training loop already uses both cores, one shard each); its products are also compared with the C
// kernels' (which equal the Swift ones bit for bit) to show how far its fused multiply-adds move them.
import COpenBLAS
import Foundation
import NumericsCore

struct Shape {
    var name: String
    var rows: Int
    /// (in, out) of each layer: encoder data → hidden → 2·latent, decoder latent → hidden → data.
    var layers: [(Int, Int)]

    init(name: String, batch: Int, hidden: Int, latent: Int) {
        self.name = name
        rows = batch / 2
        layers = [(64, hidden), (hidden, 2 * latent), (latent, hidden), (hidden, 64)]
    }
}

/// The buffers of one layer: input X, weights W and their transpose, output cotangent δ, and results.
struct LayerBuffers {
    var x, w, wT, delta, y, g, dx: [Double]

    init(rows: Int, input: Int, output: Int, generator: inout SystemRandomNumberGenerator) {
        func random(_ count: Int) -> [Double] { (0..<count).map { _ in Double.random(in: -1...1, using: &generator) } }
        x = random(rows * input)
        w = random(input * output)
        wT = [Double](repeating: 0, count: input * output)
        for i in 0..<input { for j in 0..<output { wT[j * input + i] = w[i * output + j] } }
        delta = random(rows * output)
        y = [Double](repeating: 0, count: rows * output)
        g = [Double](repeating: 0, count: input * output)
        dx = [Double](repeating: 0, count: rows * input)
    }
}

enum Implementation: CaseIterable {
    case cAVX512, cAVX2, swiftSIMD, openBLAS

    var name: String {
        switch self {
        case .cAVX512: return "C, AVX-512"
        case .cAVX2: return "C, AVX2"
        case .swiftSIMD: return "Swift SIMD (portable)"
        case .openBLAS: return "OpenBLAS dgemm"
        }
    }

    var path: KernelPath? {
        switch self {
        case .cAVX512: return .avx512
        case .cAVX2: return .avx2
        case .swiftSIMD: return .portable
        case .openBLAS: return nil
        }
    }
}

/// One training step's products for one layer.
func step(_ b: inout LayerBuffers, rows: Int, input: Int, output: Int, with implementation: Implementation) {
    b.x.withUnsafeBufferPointer { x in
        b.w.withUnsafeBufferPointer { w in
            b.wT.withUnsafeBufferPointer { wT in
                b.delta.withUnsafeBufferPointer { d in
                    b.y.withUnsafeMutableBufferPointer { y in
                        b.g.withUnsafeMutableBufferPointer { g in
                            b.dx.withUnsafeMutableBufferPointer { dx in
                                let (x, w, wT, d) = (x.baseAddress!, w.baseAddress!, wT.baseAddress!, d.baseAddress!)
                                let (y, g, dx) = (y.baseAddress!, g.baseAddress!, dx.baseAddress!)
                                if let path = implementation.path {
                                    DenseKernels.matMul(x, w, y, n: rows, k: input, m: output, accumulate: false, path: path)
                                    DenseKernels.matMulTN(x, d, g, rows: rows, n: input, m: output, path: path)
                                    DenseKernels.matMul(d, wT, dx, n: rows, k: output, m: input, accumulate: false, path: path)
                                } else {
                                    let (r, i, o) = (Int32(rows), Int32(input), Int32(output))
                                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, r, o, i, 1, x, i, w, o, 0, y, o)
                                    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, i, o, r, 1, x, i, d, o, 0, g, o)
                                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, r, i, o, 1, d, o, wT, i, 0, dx, i)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

let arguments = CommandLine.arguments
let runs = arguments.firstIndex(of: "--runs").map { Int(arguments[$0 + 1])! } ?? 9
let steps = arguments.firstIndex(of: "--steps").map { Int(arguments[$0 + 1])! } ?? 2000
openblas_set_num_threads(1)

let shapes = [
    Shape(name: "lecture 64-64-2, batch 32", batch: 32, hidden: 64, latent: 2),
    Shape(name: "notebook 04 64-64-2, batch 50", batch: 50, hidden: 64, latent: 2),
    Shape(name: "lecture 64-64-2, batch 100", batch: 100, hidden: 64, latent: 2),
    Shape(name: "wide 64-128-8, batch 100", batch: 100, hidden: 128, latent: 8),
]
let implementations = Implementation.allCases.filter { $0.path?.isSupported ?? true }
print("widest C path on this CPU: \(KernelPath.widestSupported.name); OpenBLAS \(String(cString: openblas_get_config()))")
print("µs per training step of one shard (3 products per layer, 4 layers); median of \(runs) runs of \(steps) steps;")
print("× is the ratio to \(implementations[0].name)")

for shape in shapes {
    var generator = SystemRandomNumberGenerator()
    var buffers = shape.layers.map { LayerBuffers(rows: shape.rows, input: $0.0, output: $0.1, generator: &generator) }
    var times: [Implementation: [Double]] = [:]
    var outputs: [Implementation: [Double]] = [:]
    let clock = ContinuousClock()
    for _ in 0..<runs {
        for implementation in implementations {
            let elapsed = clock.measure {
                for _ in 0..<steps {
                    for l in buffers.indices {
                        step(&buffers[l], rows: shape.rows, input: shape.layers[l].0, output: shape.layers[l].1,
                             with: implementation)
                    }
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            times[implementation, default: []].append(seconds / Double(steps) * 1e6)
            outputs[implementation] = buffers.flatMap { $0.y + $0.g + $0.dx }
        }
    }
    let reference = median(times[implementations[0]]!)
    print("\n\(shape.name): \(shape.rows) rows per shard, layers \(shape.layers.map { "\($0.0)→\($0.1)" }.joined(separator: ", "))")
    for implementation in implementations {
        let value = median(times[implementation]!)
        let outs = outputs[implementation]!, base = outputs[.cAVX2]!
        let largest = zip(outs, base).map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? 0
        let bits = outs == base ? "same bits as the C" : String(format: "max relative difference %.1e", largest)
        let label = implementation.name.padding(toLength: 22, withPad: " ", startingAt: 0)
        print("  \(label)" + String(format: "%8.2f µs   ×%.2f", value, value / reference) + "   (\(bits))")
    }
}
