internal import NumericsCore

/// A fully connected feed-forward network: a stack of affine layers, each followed by an activation.
///
/// Layer `l` maps a row x (length `inputCount`) to `activation(x·W + b)`, with W stored row-major as
/// `inputCount × outputCount` (entry [i][j] connects input i to output j) followed by the
/// `outputCount` biases, all in one flat `parameters` array so an optimiser sees one vector.
///
/// Gradients come from hand-written backpropagation, not from Swift's experimental
/// `_Differentiation`. The networks here are a handful of dense layers, for which reverse mode is a
/// few lines per layer kind; writing it out gives batched matrix kernels with predictable speed
/// (no per-operation closures or tape allocation), works in release builds and notebook cells
/// without an experimental compiler feature, and lets every gradient be checked against central
/// finite differences (see `NetworkGradientTests`).

public struct DenseNetwork: Sendable, Hashable {
    /// The shape of one layer and where its parameters live in `parameters`.
    public struct Layer: Sendable, Hashable {
        /// Width of the layer's input.
        public let inputCount: Int
        /// Width of the layer's output.
        public let outputCount: Int
        /// Nonlinearity applied after the affine map.
        public let activation: Activation
        /// Index of the first weight in `parameters`; the biases start at `biasOffset`.
        public let parameterOffset: Int
        /// Index of the first bias in `parameters`.
        public var biasOffset: Int { parameterOffset + inputCount * outputCount }
        /// Number of weights plus biases.
        public var parameterCount: Int { (inputCount + 1) * outputCount }
    }

    /// The layers, input first.
    public let layers: [Layer]
    /// All weights and biases, layer by layer (weights row-major, then biases).
    public private(set) var parameters: [Double]

    /// Width of the input.
    public var inputCount: Int { layers[0].inputCount }
    /// Width of the output.
    public var outputCount: Int { layers[layers.count - 1].outputCount }
    /// Number of trainable numbers.
    public var parameterCount: Int { parameters.count }

    /// Creates a network with Glorot-uniform weights and zero biases.
    ///
    /// - Parameters:
    ///   - sizes: the widths of input, hidden layers and output, e.g. `[64, 128, 16]`.
    ///   - activations: one activation per layer (`sizes.count − 1` of them).
    ///   - generator: the source of the random initial weights.
    /// - Throws: `InferenceError` when fewer than two sizes are given, a size is not positive, or the
    ///   number of activations does not match.
    public init(sizes: [Int], activations: [Activation], generator: inout SeededGenerator) throws {
        let layers = try Self.makeLayers(sizes: sizes, activations: activations)
        var parameters = [Double](repeating: 0, count: layers.last.map { $0.parameterOffset + $0.parameterCount } ?? 0)
        for layer in layers {
            let limit = (6.0 / Double(layer.inputCount + layer.outputCount)).squareRoot()
            for w in 0..<(layer.inputCount * layer.outputCount) {
                parameters[layer.parameterOffset + w] = (2 * generator.nextUniform() - 1) * limit
            }
        }
        self.layers = layers
        self.parameters = parameters
    }

    /// Creates a network with the given parameters.
    ///
    /// - Parameters:
    ///   - sizes: the widths of input, hidden layers and output.
    ///   - activations: one activation per layer.
    ///   - parameters: all weights and biases in the layout described on the type.
    /// - Throws: `InferenceError` for bad sizes, a parameter count that does not fit, or a
    ///   non-finite parameter.
    public init(sizes: [Int], activations: [Activation], parameters: [Double]) throws {
        self.layers = try Self.makeLayers(sizes: sizes, activations: activations)
        self.parameters = []
        try setParameters(parameters)
    }

    /// Replaces all weights and biases.
    ///
    /// - Parameter newValue: a vector of `parameterCount` finite numbers.
    /// - Throws: `InferenceError` when the count is wrong or an entry is not finite.
    public mutating func setParameters(_ newValue: [Double]) throws {
        let expected = layers.last.map { $0.parameterOffset + $0.parameterCount } ?? 0
        guard newValue.count == expected else {
            throw InferenceError(
                .dimensionMismatch, "the network has \(expected) parameters but \(newValue.count) were given")
        }
        if let bad = newValue.firstIndex(where: { !$0.isFinite }) {
            throw InferenceError(.invalidInput, "network parameter \(bad) is \(newValue[bad])")
        }
        parameters = newValue
    }

    /// Sets the parameters without checks; for optimisers that have already checked them.
    mutating func _setParametersUnchecked(_ newValue: [Double]) {
        parameters = newValue
    }

    /// Applies the network to one input.
    ///
    /// - Parameter input: a vector of `inputCount` finite numbers.
    /// - Returns: the output vector of `outputCount` numbers.
    /// - Throws: `InferenceError` when the input has the wrong length or a non-finite entry.
    public func callAsFunction(_ input: [Double]) throws -> [Double] {
        try apply([input])[0]
    }

    /// Applies the network to every row of a batch.
    ///
    /// - Parameter inputs: rows of `inputCount` finite numbers.
    /// - Returns: one output row per input row.
    /// - Throws: `InferenceError` when a row has the wrong length or a non-finite entry.
    public func apply(_ inputs: [[Double]]) throws -> [[Double]] {
        let flat = try InputChecks.flatten(inputs, width: inputCount, what: "network input")
        let workspace = NetworkWorkspace(layers: layers, capacity: max(inputs.count, 1))
        parameters.withUnsafeBufferPointer { p in
            flat.withUnsafeBufferPointer { x in
                workspace.forward(parameters: p.baseAddress!, input: x.baseAddress!, rows: inputs.count)
            }
        }
        let out = workspace.output
        return (0..<inputs.count).map { r in Array(UnsafeBufferPointer(start: out + r * outputCount, count: outputCount)) }
    }

    /// Reverse-mode product: for the scalar s = Σᵣ ⟨outputCotangents[r], network(inputs[r])⟩, the
    /// gradient of s with respect to the parameters and to each input row.
    ///
    /// - Parameters:
    ///   - inputs: rows of `inputCount` numbers.
    ///   - outputCotangents: one row of `outputCount` numbers per input row.
    /// - Returns: ∂s/∂parameters (length `parameterCount`) and ∂s/∂inputs (one row per input).
    /// - Throws: `InferenceError` on mismatched shapes or non-finite input.
    package func vectorJacobianProduct(
        inputs: [[Double]], outputCotangents: [[Double]]
    ) throws -> (parameters: [Double], inputs: [[Double]]) {
        guard inputs.count == outputCotangents.count else {
            throw InferenceError(
                .dimensionMismatch, "\(inputs.count) input rows but \(outputCotangents.count) cotangent rows")
        }
        let x = try InputChecks.flatten(inputs, width: inputCount, what: "network input")
        let g = try InputChecks.flatten(outputCotangents, width: outputCount, what: "output cotangent")
        let rows = inputs.count
        let workspace = NetworkWorkspace(layers: layers, capacity: max(rows, 1))
        var parameterGradient = [Double](repeating: 0, count: parameterCount)
        var inputGradient = [Double](repeating: 0, count: rows * inputCount)
        parameters.withUnsafeBufferPointer { p in
            x.withUnsafeBufferPointer { xp in
                g.withUnsafeBufferPointer { gp in
                    parameterGradient.withUnsafeMutableBufferPointer { pg in
                        inputGradient.withUnsafeMutableBufferPointer { ig in
                            workspace.forward(parameters: p.baseAddress!, input: xp.baseAddress!, rows: rows)
                            workspace.backward(
                                parameters: p.baseAddress!,
                                input: xp.baseAddress!, rows: rows, outputCotangent: gp.baseAddress!,
                                parameterGradient: pg.baseAddress!, inputGradient: ig.baseAddress!)
                        }
                    }
                }
            }
        }
        let inputRows = (0..<rows).map { r in Array(inputGradient[(r * inputCount)..<((r + 1) * inputCount)]) }
        return (parameterGradient, inputRows)
    }

    private static func makeLayers(sizes: [Int], activations: [Activation]) throws -> [Layer] {
        guard sizes.count >= 2 else {
            throw InferenceError(.invalidInput, "a network needs at least an input and an output size, got \(sizes)")
        }
        if let bad = sizes.firstIndex(where: { $0 <= 0 }) {
            throw InferenceError(.invalidInput, "network size \(bad) is \(sizes[bad]); every width must be positive")
        }
        guard activations.count == sizes.count - 1 else {
            throw InferenceError(
                .dimensionMismatch,
                "\(sizes.count) sizes make \(sizes.count - 1) layers but \(activations.count) activations were given")
        }
        var layers: [Layer] = []
        var offset = 0
        for l in 0..<(sizes.count - 1) {
            let layer = Layer(
                inputCount: sizes[l], outputCount: sizes[l + 1], activation: activations[l], parameterOffset: offset)
            layers.append(layer)
            offset += layer.parameterCount
        }
        return layers
    }
}

/// Activations and scratch space for forward and backward passes over up to `capacity` rows.
///
/// One workspace belongs to one thread at a time; the buffers are allocated once and reused for
/// every minibatch.
final class NetworkWorkspace {
    let layers: [DenseNetwork.Layer]
    let capacity: Int
    let outputs: [UnsafeMutablePointer<Double>]
    let deltaA: UnsafeMutablePointer<Double>
    let deltaB: UnsafeMutablePointer<Double>

    init(layers: [DenseNetwork.Layer], capacity: Int) {
        self.layers = layers
        self.capacity = capacity
        let width = layers.reduce(1) { max($0, $1.inputCount, $1.outputCount) }
        outputs = layers.map { UnsafeMutablePointer<Double>.allocate(capacity: capacity * $0.outputCount) }
        deltaA = .allocate(capacity: capacity * width)
        deltaB = .allocate(capacity: capacity * width)
    }

    deinit {
        for o in outputs { o.deallocate() }
        deltaA.deallocate()
        deltaB.deallocate()
    }

    /// The last layer's output after `forward`.
    var output: UnsafeMutablePointer<Double> { outputs[outputs.count - 1] }

    /// Runs `rows` input rows through the network, keeping every layer's output.
    func forward(parameters: UnsafePointer<Double>, input: UnsafePointer<Double>, rows: Int) {
        precondition(rows <= capacity)
        var x = input
        for (l, layer) in layers.enumerated() {
            let y = outputs[l]
            let n = layer.outputCount
            let bias = parameters + layer.biasOffset
            for r in 0..<rows {
                (y + r * n).update(from: bias, count: n)
            }
            DenseKernels.matMul(x, parameters + layer.parameterOffset, y, n: rows, k: layer.inputCount, m: n, accumulate: true)
            layer.activation.applyInPlace(y, count: rows * n)
            x = UnsafePointer(y)
        }
    }

    /// Backpropagates `outputCotangent` (rows × outputCount) after a `forward` on the same input.
    ///
    /// Writes (not accumulates) the parameter gradient and, when asked, the input gradient.
    /// `transposedWeights`, when given, holds each layer's Wᵀ at the layer's weight offset.
    func backward(
        parameters: UnsafePointer<Double>, transposedWeights: UnsafePointer<Double>? = nil,
        input: UnsafePointer<Double>, rows: Int, outputCotangent: UnsafePointer<Double>,
        parameterGradient: UnsafeMutablePointer<Double>?, inputGradient: UnsafeMutablePointer<Double>?
    ) {
        var delta = deltaA
        var other = deltaB
        let last = layers[layers.count - 1]
        let y = outputs[layers.count - 1]
        let lastCount = rows * last.outputCount
        if last.activation == .identity {
            delta.update(from: outputCotangent, count: lastCount)
        } else {
            for i in 0..<lastCount {
                delta[i] = outputCotangent[i] * last.activation.derivative(output: y[i])
            }
        }
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[l]
            let x = l == 0 ? input : UnsafePointer(outputs[l - 1])
            let n = layer.outputCount
            let weights = parameters + layer.parameterOffset
            if let g = parameterGradient {
                DenseKernels.matMulTN(x, delta, g + layer.parameterOffset, rows: rows, n: layer.inputCount, m: n)
                DenseKernels.columnSums(delta, g + layer.biasOffset, rows: rows, columns: n)
            }
            // δ·Wᵀ, from the prepared Wᵀ when there is one.
            func inputProduct(_ out: UnsafeMutablePointer<Double>) {
                if let t = transposedWeights {
                    DenseKernels.matMul(delta, t + layer.parameterOffset, out, n: rows, k: n, m: layer.inputCount, accumulate: false)
                } else {
                    DenseKernels.matMulNT(delta, weights, out, n: rows, k: n, m: layer.inputCount)
                }
            }
            if l > 0 {
                inputProduct(other)
                layers[l - 1].activation.multiplyByDerivative(other, output: outputs[l - 1], count: rows * layer.inputCount)
                swap(&delta, &other)
            } else if let gi = inputGradient {
                inputProduct(gi)
            }
        }
    }
}
