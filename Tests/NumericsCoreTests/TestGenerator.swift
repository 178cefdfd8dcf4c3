import Foundation

/// SplitMix64 (Steele, Lea and Flood 2014) with a fixed seed: the core's tests draw their inputs from
/// it so they do not depend on `Inference`'s generator.
struct TestGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on [0, 1) with 53 random bits.
    mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A standard normal draw (Box–Muller).
    mutating func nextStandardNormal() -> Double {
        let u = 1 - nextUniform()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * nextUniform())
    }
}

/// |a − b| ≤ tolerance · max(1, |b|).
func isClose(_ a: Double, _ b: Double, _ tolerance: Double = 1e-14) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
}

func isClose(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-14) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, tolerance) }
}
