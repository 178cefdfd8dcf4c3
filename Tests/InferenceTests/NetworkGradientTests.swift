import Foundation
import Inference
import Testing

@Suite struct NetworkGradientTests {
    /// Every activation, in a two-layer network: the hand-written reverse pass matches central
    /// finite differences for all weights, biases and inputs.
    @Test(arguments: Activation.allCases)
    func backpropagationMatchesFiniteDifferences(activation: Activation) throws {
        var g = SeededGenerator(seed: 11)
        let network = try DenseNetwork(sizes: [3, 5, 4], activations: [activation, activation], generator: &g)
        // Non-zero biases so that no pre-activation sits on ReLU's kink by construction.
        var parameters = network.parameters
        for i in 0..<parameters.count { parameters[i] += 0.1 * g.nextStandardNormal() }
        let net = try DenseNetwork(sizes: [3, 5, 4], activations: [activation, activation], parameters: parameters)
        let inputs = vaeNormalRows(6, 3, &g)
        let cotangents = vaeNormalRows(6, 4, &g)
        func objective(_ p: [Double], _ x: [[Double]]) throws -> Double {
            let n = try DenseNetwork(sizes: [3, 5, 4], activations: [activation, activation], parameters: p)
            let out = try n.apply(x)
            var s = 0.0
            for r in 0..<out.count { for j in 0..<4 { s += out[r][j] * cotangents[r][j] } }
            return s
        }
        let (parameterGradient, inputGradient) = try net.vectorJacobianProduct(inputs: inputs, outputCotangents: cotangents)
        let numericParameters = try vaeCentralDifferences(parameters) { try objective($0, inputs) }
        #expect(vaeMaxRelativeError(parameterGradient, numericParameters) < 1e-6)
        let flatInputs = inputs.flatMap { $0 }
        let numericInputs = try vaeCentralDifferences(flatInputs) { flat in
            try objective(parameters, (0..<6).map { Array(flat[($0 * 3)..<($0 * 3 + 3)]) })
        }
        #expect(vaeMaxRelativeError(inputGradient.flatMap { $0 }, numericInputs) < 1e-6)
    }

    /// The blocked matrix kernel against a plain triple loop, on sizes that leave remainders in both
    /// the 4-row and the 4-column blocks.
    @Test func forwardPassMatchesNaiveComputation() throws {
        var g = SeededGenerator(seed: 3)
        let sizes = [7, 9, 6]
        let net = try DenseNetwork(sizes: sizes, activations: [.tanh, .identity], generator: &g)
        let inputs = vaeNormalRows(11, 7, &g)
        let fast = try net.apply(inputs)
        let p = net.parameters
        for (r, x) in inputs.enumerated() {
            var h = [Double](repeating: 0, count: 9)
            for j in 0..<9 {
                var s = p[63 + j]
                for i in 0..<7 { s += x[i] * p[i * 9 + j] }
                h[j] = tanh(s)
            }
            let offset = 72
            for j in 0..<6 {
                var s = p[offset + 54 + j]
                for i in 0..<9 { s += h[i] * p[offset + i * 6 + j] }
                #expect(abs(fast[r][j] - s) < 1e-12)
            }
        }
    }

    @Test func badShapesThrow() throws {
        var g = SeededGenerator(seed: 1)
        #expect(throws: InferenceError.self) { try DenseNetwork(sizes: [3], activations: [], generator: &g) }
        #expect(throws: InferenceError.self) { try DenseNetwork(sizes: [3, 0], activations: [.tanh], generator: &g) }
        #expect(throws: InferenceError.self) { try DenseNetwork(sizes: [3, 2], activations: [], generator: &g) }
        let net = try DenseNetwork(sizes: [3, 2], activations: [.relu], generator: &g)
        #expect(throws: InferenceError.self) { try net([1, 2]) }
        #expect(throws: InferenceError.self) { try net([1, .nan, 2]) }
        #expect(throws: InferenceError.self) { try DenseNetwork(sizes: [3, 2], activations: [.relu], parameters: [1, 2]) }
    }

    /// Adam and SGD each minimise a convex quadratic.
    @Test func optimisersMinimiseAQuadratic() {
        let target = [1.0, -2.0, 0.5]
        func gradient(_ p: [Double]) -> [Double] { (0..<3).map { 2 * (p[$0] - target[$0]) } }
        var adam = AdamOptimizer(learningRate: 0.05)
        var sgd = SGDOptimizer(learningRate: 0.1, momentum: 0.5)
        var a = [0.0, 0.0, 0.0]
        var s = [0.0, 0.0, 0.0]
        for _ in 0..<2000 {
            adam.step(&a, gradient: gradient(a))
            sgd.step(&s, gradient: gradient(s))
        }
        #expect(vaeMaxRelativeError(a, target) < 1e-3)
        #expect(vaeMaxRelativeError(s, target) < 1e-9)
        #expect(adam.stepCount == 2000)
    }
}
