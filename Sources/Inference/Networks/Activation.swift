internal import SystemLibC
internal import NumericsCore

/// The elementwise nonlinearity applied after a dense layer's affine map.
public enum Activation: String, Sendable, Hashable, CaseIterable {
    /// y = a (no nonlinearity).
    case identity
    /// y = tanh a.
    case tanh
    /// y = max(a, 0).
    case relu
    /// y = 1 / (1 + e⁻ᵃ).
    case sigmoid
    /// y = log(1 + eᵃ).
    case softplus

    /// The activation applied to one pre-activation value.
    @inline(__always)
    func apply(_ a: Double) -> Double {
        switch self {
        case .identity: return a
        case .tanh: return SIMDMath.tanh(a)
        case .relu: return a > 0 ? a : 0
        case .sigmoid: return SIMDMath.sigmoid(a)
        case .softplus: return SIMDMath.softplus(a)
        }
    }

    /// dy/da written in terms of the output y, so the backward pass needs only the stored outputs.
    ///
    /// tanh′ = 1 − y², sigmoid′ = y(1 − y), relu′ = [y > 0], softplus′ = σ(a) = 1 − e⁻ʸ.
    @inline(__always)
    func derivative(output y: Double) -> Double {
        switch self {
        case .identity: return 1
        case .tanh: return 1 - y * y
        case .relu: return y > 0 ? 1 : 0
        case .sigmoid: return y * (1 - y)
        case .softplus: return -expm1(-y)
        }
    }
}

extension Activation {
    /// y[i] = activation(y[i]) for i in 0..<count (tanh vectorised).
    @inline(__always)
    func applyInPlace(_ y: UnsafeMutablePointer<Double>, count: Int) {
        switch self {
        case .identity: return
        case .tanh: DenseKernels.tanhInPlace(y, count: count)
        default: for i in 0..<count { y[i] = apply(y[i]) }
        }
    }

    /// g[i] *= activation′ written in terms of the stored output y[i] (tanh′ = 1 − y², vectorised).
    @inline(__always)
    func multiplyByDerivative(_ g: UnsafeMutablePointer<Double>, output y: UnsafePointer<Double>, count: Int) {
        switch self {
        case .identity: return
        case .tanh:
            let rg = UnsafeMutableRawPointer(g)
            let ry = UnsafeRawPointer(y)
            let one = SIMD2<Double>(repeating: 1)
            var i = 0
            while i &+ 2 <= count {
                let o = i &* 8
                let yv = ry.loadUnaligned(fromByteOffset: o, as: SIMD2<Double>.self)
                let gv = rg.loadUnaligned(fromByteOffset: o, as: SIMD2<Double>.self)
                rg.storeBytes(of: gv * (one - yv * yv), toByteOffset: o, as: SIMD2<Double>.self)
                i &+= 2
            }
            if i < count { g[i] *= 1 - y[i] * y[i] }
        default: for i in 0..<count { g[i] *= derivative(output: y[i]) }
        }
    }
}
