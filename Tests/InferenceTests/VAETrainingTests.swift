import Foundation
import Inference
import Testing

@Suite struct VAETrainingTests {
    /// A two-moons-like 2-D synthetic set: a noisy arc.
    static func arc(_ n: Int, seed: UInt64) -> [[Double]] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in
            let t = Double.pi * g.nextUniform()
            return [cos(t) + 0.1 * g.nextStandardNormal(), sin(t) + 0.1 * g.nextStandardNormal()]
        }
    }

    /// Training raises the ELBO, calls the hook once per epoch, and is reproducible.
    @Test func trainingImprovesTheELBOAndIsReproducible() throws {
        let data = Self.arc(200, seed: 1)
        var g = SeededGenerator(seed: 2)
        var vae = try VAE(dataDimension: 2, latentDimension: 1, hiddenSizes: [16], likelihood: .gaussian, generator: &g)
        let start = vae
        var seen: [Int] = []
        let options = VAETrainingOptions(epochs: 30, batchSize: 40, optimizer: .adam(learningRate: 0.01))
        var trainGenerator = SeededGenerator(seed: 3)
        let result = try vae.train(on: data, options: options, generator: &trainGenerator) { seen.append($0.epoch) }
        #expect(seen == Array(1...30))
        #expect(result.elboTrace.count == 30)
        #expect(result.steps == 150)
        #expect(result.elboTrace.suffix(5).reduce(0, +) / 5 > result.elboTrace[0] + 0.5)
        var again = start
        var secondGenerator = SeededGenerator(seed: 3)
        let second = try again.train(on: data, options: options, generator: &secondGenerator)
        #expect(second == result)
        #expect(again == vae)
        // SGD also trains (the lecture's single-layer sigmoid-Gaussian decoder).
        var lecture = try VAE(
            dataDimension: 2, latentDimension: 1, hiddenSizes: [8], decoderHiddenSizes: [],
            likelihood: .sigmoidGaussian, generator: &g)
        let unit = data.map { $0.map { ($0 + 1.2) / 2.4 } }
        let sgd = try lecture.train(
            on: unit, options: VAETrainingOptions(epochs: 20, batchSize: 20, optimizer: .sgd(learningRate: 0.05, momentum: 0.9)),
            generator: &g)
        #expect(sgd.elboTrace.last! > sgd.elboTrace.first!)
    }

    /// A non-finite ELBO stops training with an error naming the step and keeps the last good parameters.
    @Test func nonFiniteLossStopsWithTheStep() throws {
        var g = SeededGenerator(seed: 4)
        var vae = try VAE(dataDimension: 2, latentDimension: 1, hiddenSizes: [4], likelihood: .gaussian, generator: &g)
        // Finite data whose squared residuals overflow: the very first minibatch fails.
        let before = vae
        do {
            try vae.train(on: [[1e200, 1], [1, 1e200]], generator: &g)
            Issue.record("training on overflowing data did not throw")
        } catch let error as InferenceError {
            #expect(error.kind == .numericalFailure)
            #expect(error.message.contains("step 1 "))
        }
        #expect(vae == before)
        // A step size that blows the parameters up: training fails at a later step, and what is
        // kept is finite.
        do {
            try vae.train(
                on: Self.arc(64, seed: 5), options: VAETrainingOptions(epochs: 50, batchSize: 8, optimizer: .sgd(learningRate: 1e4, momentum: 0.9)),
                generator: &g)
            Issue.record("training with a huge step size did not throw")
        } catch let error as InferenceError {
            #expect(error.kind == .numericalFailure)
            #expect(error.message.contains("step"))
        }
        #expect(vae.encoder.parameters.allSatisfy { $0.isFinite })
        #expect(vae.decoder.parameters.allSatisfy { $0.isFinite })
    }

    @Test func badTrainingInputThrows() throws {
        var g = SeededGenerator(seed: 4)
        var vae = try VAE(dataDimension: 2, latentDimension: 1, hiddenSizes: [4], generator: &g)
        #expect(throws: InferenceError.self) { try vae.train(on: [], generator: &g) }
        #expect(throws: InferenceError.self) { try vae.train(on: [[1, 0, 1]], generator: &g) }
        #expect(throws: InferenceError.self) { try vae.train(on: [[1, .nan]], generator: &g) }
        #expect(throws: InferenceError.self) {
            try vae.train(on: [[1, 0]], options: VAETrainingOptions(batchSize: 0), generator: &g)
        }
    }

    /// The training data's finiteness scan names the row and column of the first bad value,
    /// whatever it is and wherever it sits in a row, and lets every finite value through.
    @Test func nonFiniteTrainingValuesAreNamedByRowAndColumn() throws {
        var g = SeededGenerator(seed: 5)
        var vae = try VAE(
            dataDimension: 37, latentDimension: 1, hiddenSizes: [3], likelihood: .gaussianFixedVariance(1), generator: &g)
        let finite: [Double] = [0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude / 1e300]
        var rows = (0..<4).map { r in (0..<37).map { c in finite[(r + c) % finite.count] } }
        let options = VAETrainingOptions(epochs: 1, batchSize: 2, optimizer: .sgd(learningRate: 0, momentum: 0))
        try vae.train(on: rows, options: options, generator: &g)
        for (column, bad) in [(0, Double.nan), (36, Double.infinity), (17, -Double.infinity), (5, -Double.nan)] {
            var broken = rows
            broken[2][column] = bad
            broken[3][0] = .nan
            do {
                try vae.train(on: broken, options: options, generator: &g)
                Issue.record("\(bad) at column \(column) was accepted")
            } catch let error as InferenceError {
                #expect(error.kind == .invalidInput)
                #expect(error.message.contains("row 2, column \(column) is"), "\(error.message)")
            }
        }
        // The largest finite value passes the scan; its square then overflows the loss, which is
        // the training loop's numerical failure, not bad input.
        rows[1][36] = .greatestFiniteMagnitude
        do {
            try vae.train(on: rows, options: options, generator: &g)
        } catch let error as InferenceError {
            #expect(error.kind == .numericalFailure, "\(error.message)")
        }
    }
}
