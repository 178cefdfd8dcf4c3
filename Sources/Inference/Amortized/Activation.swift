#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

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
        case .tanh: return _amTanh(a)
        case .relu: return a > 0 ? a : 0
        case .sigmoid: return _amSigmoid(a)
        case .softplus: return _amSoftplus(a)
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
