internal import SystemLibC
internal import NumericsCore

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
        // α m̂ / (√v̂ + ε) = (α / c₁) m / (√v / √c₂ + ε).
        let stepScale = learningRate / c1
        let rootScale = 1 / c2.squareRoot()
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                parameters.withUnsafeMutableBufferPointer { p in
                    gradient.withUnsafeBufferPointer { g in
                        DenseKernels.adam(
                            p.baseAddress!, m.baseAddress!, v.baseAddress!, g.baseAddress!, count: p.count,
                            beta1: beta1, beta2: beta2, stepScale: stepScale, rootScale: rootScale, epsilon: epsilon)
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
