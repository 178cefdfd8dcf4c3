import Inference
import Testing

// Reference values: scripts/reference/gmm_bayesnet_em.py (an independent NumPy implementation).

@Suite struct BayesNetEMTests {
    static let data: [[Bool?]] = [
        [true, nil, nil, false], [true, true, nil, true], [false, true, true, true], [false, nil, false, false],
        [true, true, true, nil], [nil, true, nil, true], [false, false, nil, false], [true, nil, true, true],
        [true, true, false, false], [false, true, nil, nil], [true, false, true, false], [nil, nil, true, true],
    ]

    @Test func lectureCompletionWeights() throws {
        let completions = try FourNodeBayesNet.lecture.completions(of: [true, nil, nil, false])
        func weight(_ b: Bool, _ c: Bool) -> Double {
            completions.first { $0.assignment == [true, b, c, false] }!.weight
        }
        #expect(completions.count == 4)
        #expect(abs(weight(true, true) - 0.0491803279) < 1e-10)
        #expect(abs(weight(true, false) - 0.8852459016) < 1e-10)
        #expect(abs(weight(false, true) - 0.0163934426) < 1e-10)
        #expect(abs(weight(false, false) - 0.0491803279) < 1e-10)
        // The lecture's rounded figures.
        #expect((weight(true, true) * 1e4).rounded() == 492)
        #expect((weight(true, false) * 1e4).rounded() == 8852)
    }

    @Test func mStepOnTheCompletedExample() throws {
        let completions = try FourNodeBayesNet.lecture.completions(of: [true, nil, nil, false])
        let next = try FourNodeBayesNet.lecture.maximized(from: completions)
        #expect(next.a == 1)
        #expect(abs(next.b - (0.0491803279 + 0.8852459016)) < 1e-9)
        #expect(abs(next.cGivenAB[3] - 0.0491803279 / 0.9344262295) < 1e-9)
        #expect(abs(next.cGivenAB[2] - 0.0163934426 / 0.0655737705) < 1e-9)
        #expect(next.dGivenC == [0, 0])
        // ¬a rows were never seen: they keep their previous values.
        #expect(next.cGivenAB[0] == 0.1 && next.cGivenAB[1] == 0.5)
    }

    @Test func iterationsMatchReferenceAndNeverDecrease() throws {
        let run = try FourNodeBayesNet.lecture.expectationMaximization(Self.data, tolerance: 1e-13)
        #expect(abs(run.logLikelihoods[0] - (-25.263471896965)) < 1e-9)
        #expect(abs(run.logLikelihoods[1] - (-19.748423725026)) < 1e-9)
        let first = run.networks[1]
        #expect(abs(first.a - 0.530732302365) < 1e-10)
        #expect(abs(first.b - 0.787858982183) < 1e-10)
        let expectedC = [0.035344234079, 0.679819360624, 0.963871441016, 0.54456680516]
        for i in 0..<4 { #expect(abs(first.cGivenAB[i] - expectedC[i]) < 1e-10) }
        #expect(abs(first.dGivenC[0] - 0.109431210263) < 1e-10)
        #expect(abs(first.dGivenC[1] - 0.804378768151) < 1e-10)
        #expect(abs(run.logLikelihoods[2] - (-19.093713956907)) < 1e-9)

        #expect(run.converged)
        #expect(abs(run.logLikelihoods.last! - (-18.807717286276)) < 1e-8)
        let last = run.networks.last!
        #expect(abs(last.a - 0.598870693653) < 1e-6)
        #expect(abs(last.b - 0.693786490456) < 1e-6)
        #expect(abs(last.cGivenAB[1] - 0.929071327185) < 1e-6)
        #expect(abs(last.dGivenC[1] - 0.771013817529) < 1e-6)
        for (before, after) in zip(run.logLikelihoods, run.logLikelihoods.dropFirst()) {
            #expect(after >= before - 1e-12)
        }
    }

    @Test func monotoneFromRandomStarts() throws {
        var g = SeededGenerator(seed: 99)
        for _ in 0..<30 {
            let start = try FourNodeBayesNet(
                a: 0.05 + 0.9 * g.nextUniform(), b: 0.05 + 0.9 * g.nextUniform(),
                cGivenAB: (0..<4).map { _ in 0.05 + 0.9 * g.nextUniform() },
                dGivenC: (0..<2).map { _ in 0.05 + 0.9 * g.nextUniform() })
            let run = try start.expectationMaximization(Self.data, maxIterations: 200)
            for (before, after) in zip(run.logLikelihoods, run.logLikelihoods.dropFirst()) {
                #expect(after >= before - 1e-12)
            }
        }
    }

    @Test func badInputThrows() throws {
        #expect(throws: InferenceError.self) { try FourNodeBayesNet(a: 1.2, b: 0.5, cGivenAB: [0, 0, 0, 0], dGivenC: [0, 0]) }
        #expect(throws: InferenceError.self) { try FourNodeBayesNet(a: .nan, b: 0.5, cGivenAB: [0, 0, 0, 0], dGivenC: [0, 0]) }
        #expect(throws: InferenceError.self) { try FourNodeBayesNet(a: 0.2, b: 0.5, cGivenAB: [0, 0, 0], dGivenC: [0, 0]) }
        #expect(throws: InferenceError.self) { try FourNodeBayesNet.lecture.completions(of: [true, nil]) }
        #expect(throws: InferenceError.self) { try FourNodeBayesNet.lecture.expectationMaximization([]) }
        // D = 1 is impossible when C = 0 and θd|¬c = 0.
        let strict = try FourNodeBayesNet(a: 0.5, b: 0.5, cGivenAB: [0, 0, 0, 0], dGivenC: [0, 0.5])
        #expect(throws: InferenceError.self) { try strict.completions(of: [nil, nil, nil, true]) }
    }
}
