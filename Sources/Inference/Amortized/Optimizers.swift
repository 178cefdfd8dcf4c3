#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// A first-order method that moves a parameter vector against the gradient of a loss.
public protocol GradientOptimizer: Sendable {
    /// Takes one step: `parameters` moves to lower the loss whose gradient is `gradient`.
    ///
    /// - Parameters:
    ///   - parameters: the vector to update in place.
    ///   - gradient: ∂loss/∂parameters, the same length as `parameters`.
    mutating func step(_ parameters: inout [Double], gradient: [Double])
}

/// Adam (Kingma and Ba 2015) with bias-corrected first and second moment estimates.
public struct AdamOptimizer: GradientOptimizer, Hashable {
    /// The step size α.
    public var learningRate: Double
    /// Decay of the first-moment average, β₁.
    public var beta1: Double
    /// Decay of the second-moment average, β₂.
    public var beta2: Double
    /// Added to √v̂ to avoid division by zero.
    public var epsilon: Double
    private var firstMoment: [Double] = []
    private var secondMoment: [Double] = []
    /// Number of steps taken so far.
    public private(set) var stepCount = 0

    /// Creates an Adam optimiser with the usual defaults (α = 10⁻³, β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸).
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public mutating func step(_ parameters: inout [Double], gradient: [Double]) {
        if firstMoment.count != parameters.count {
            firstMoment = [Double](repeating: 0, count: parameters.count)
            secondMoment = firstMoment
            stepCount = 0
        }
        stepCount += 1
        let c1 = 1 - pow(beta1, Double(stepCount))
        let c2 = 1 - pow(beta2, Double(stepCount))
        let b1 = SIMD2<Double>(repeating: beta1)
        let b2 = SIMD2<Double>(repeating: beta2)
        let a1 = SIMD2<Double>(repeating: 1 - beta1)
        let a2 = SIMD2<Double>(repeating: 1 - beta2)
        // α m̂ / (√v̂ + ε) = (α / c₁) m / (√v / √c₂ + ε).
        let stepScale = SIMD2<Double>(repeating: learningRate / c1)
        let rootScale = SIMD2<Double>(repeating: 1 / c2.squareRoot())
        let eps = SIMD2<Double>(repeating: epsilon)
        let path = _amKernelPath
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                parameters.withUnsafeMutableBufferPointer { p in
                    gradient.withUnsafeBufferPointer { g in
                        if path != .portable {
                            _amAdamWide(
                                path, p.baseAddress!, m.baseAddress!, v.baseAddress!, g.baseAddress!, count: p.count,
                                beta1: beta1, beta2: beta2, stepScale: stepScale[0], rootScale: rootScale[0],
                                epsilon: epsilon)
                            return
                        }
                        let count = p.count
                        let mr = UnsafeMutableRawPointer(m.baseAddress!)
                        let vr = UnsafeMutableRawPointer(v.baseAddress!)
                        let pr = UnsafeMutableRawPointer(p.baseAddress!)
                        let gr = UnsafeRawPointer(g.baseAddress!)
                        var i = 0
                        while i + 2 <= count {
                            let offset = i &* 8
                            let gi = gr.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
                            let mi = b1 * mr.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self) + a1 * gi
                            let vi = b2 * vr.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self) + a2 * gi * gi
                            mr.storeBytes(of: mi, toByteOffset: offset, as: SIMD2<Double>.self)
                            vr.storeBytes(of: vi, toByteOffset: offset, as: SIMD2<Double>.self)
                            let pi = pr.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
                            let update = stepScale * mi / (vi.squareRoot() * rootScale + eps)
                            pr.storeBytes(of: pi - update, toByteOffset: offset, as: SIMD2<Double>.self)
                            i += 2
                        }
                        while i < count {
                            let gi = g[i]
                            m[i] = beta1 * m[i] + (1 - beta1) * gi
                            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                            p[i] -= stepScale[0] * m[i] / (v[i].squareRoot() * rootScale[0] + epsilon)
                            i += 1
                        }
                    }
                }
            }
        }
    }
}

/// Stochastic gradient descent with optional (heavy-ball) momentum: v ← μv + g, θ ← θ − αv.
public struct SGDOptimizer: GradientOptimizer, Hashable {
    /// The step size α.
    public var learningRate: Double
    /// The momentum coefficient μ (0 for plain SGD).
    public var momentum: Double
    private var velocity: [Double] = []

    /// Creates an SGD optimiser.
    public init(learningRate: Double = 1e-2, momentum: Double = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public mutating func step(_ parameters: inout [Double], gradient: [Double]) {
        if velocity.count != parameters.count {
            velocity = [Double](repeating: 0, count: parameters.count)
        }
        for i in 0..<parameters.count {
            velocity[i] = momentum * velocity[i] + gradient[i]
            parameters[i] -= learningRate * velocity[i]
        }
    }
}
