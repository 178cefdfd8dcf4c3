/// A seeded pseudo-random generator whose stream is the same on every run and every machine.
///
/// The state is xoshiro256** (Blackman and Vigna), filled from the seed with SplitMix64, so any
/// 64-bit seed, zero included, gives a well-mixed starting state. Every function in `Inference` that
/// samples takes a generator as an `inout` argument; pass one of these to make a figure reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) {
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    /// A generator for an independent stream, for example one per worker thread.
    ///
    /// The child is seeded from this generator's next output mixed with `stream`, so the same parent
    /// state and stream number always give the same child.
    public mutating func split(stream: UInt64 = 0) -> SeededGenerator {
        SeededGenerator(seed: next() ^ (stream &* 0xD1B5_4A32_D192_ED03))
    }

    @inline(__always)
    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

extension RandomNumberGenerator {
    /// A uniform draw from [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform draw from (0, 1): never exactly zero, so its logarithm is finite.
    @inlinable
    public mutating func nextOpenUniform() -> Double {
        (Double(next() >> 12) + 0.5) * 0x1.0p-52
    }

    /// A standard normal draw, by the Marsaglia polar method (one of each pair is discarded, so the
    /// generator carries no hidden cached value and copies of it stay in step).
    @inlinable
    public mutating func nextStandardNormal() -> Double {
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * _logForSampling(s) / s).squareRoot()
            }
        }
    }
}

@usableFromInline
func _logForSampling(_ x: Double) -> Double {
    SystemLibC.log(x)
}

internal import SystemLibC
