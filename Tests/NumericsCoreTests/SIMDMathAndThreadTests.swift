import Foundation
import NumericsCore
import Synchronization
import Testing

@Suite struct LogisticTests {
    /// σ and softplus at closed-form points and far in both tails (no overflow, no 0/0).
    @Test func sigmoidAndSoftplusClosedForms() {
        #expect(SIMDMath.sigmoid(0) == 0.5)
        #expect(isClose(SIMDMath.sigmoid(Foundation.log(3.0)), 0.75, 1e-15))
        #expect(isClose(SIMDMath.sigmoid(-Foundation.log(3.0)), 0.25, 1e-15))
        #expect(SIMDMath.sigmoid(800) == 1 && SIMDMath.sigmoid(-800) == 0)
        #expect(isClose(SIMDMath.softplus(0), Foundation.log(2.0), 1e-15))
        #expect(isClose(SIMDMath.softplus(Foundation.log(3.0)), Foundation.log(4.0), 1e-15))
        #expect(SIMDMath.softplus(800) == 800)
        #expect(SIMDMath.softplus(-800) == 0)
    }

    /// The E-step's exp for x ≤ 0 against the C library, down to the clamp at −708.
    @Test func expNonPositiveIsAccurate() {
        var g = TestGenerator(seed: 27)
        var worst = 0.0
        for _ in 0..<5_000 {
            let x = SIMD4<Double>(-700 * g.nextUniform(), -10 * g.nextUniform(), -g.nextUniform(), -1e-9 * g.nextUniform())
            let y = SIMDMath.expNonPositive(x)
            for lane in 0..<4 {
                let reference = Foundation.exp(x[lane])
                worst = max(worst, abs(y[lane] - reference) / reference)
            }
        }
        #expect(worst < 4e-16, "worst relative error \(worst)")
        let edge = SIMDMath.expNonPositive(SIMD4(0, -.infinity, .nan, -800))
        #expect(edge[0] == 1 && edge[1] > 0 && edge[1] < 1e-300 && edge[2].isNaN && edge[3] < 1e-300)
    }

    /// The vector exp's lanes do not depend on their neighbours.
    @Test func vectorLanesAreIndependent() {
        let v = SIMDMath.exp(SIMD4<Double>(-1, 0.5, .nan, -2000))
        #expect(v[0] == SIMDMath.exp(-1.0) && v[1] == SIMDMath.exp(0.5))
        #expect(v[2].isNaN && v[3] > 0 && v[3] < 1e-300)
    }
}

@Suite struct ThreadTests {
    @Test func parallelForVisitsEveryIndexOnce() {
        let visits = Mutex([Int](repeating: 0, count: 64))
        Parallel.forEach(64) { i in visits.withLock { $0[i] += 1 } }
        #expect(visits.withLock { $0 } == [Int](repeating: 1, count: 64))
        var ran = false
        Parallel.forEach(1) { _ in ran = true }
        #expect(ran)
    }

    /// Both halves run, on two threads, and a released worker is reused after it went to sleep.
    @Test func pairWorkerRunsBothHalves() async throws {
        let worker = PairWorker.acquire()
        for round in 0..<200 {
            var here = 0
            var there = 0
            worker.run({ here = round }, { there = round + 1 })
            #expect(here == round && there == round + 1)
        }
        PairWorker.release(worker)
        try await Task.sleep(for: .milliseconds(5))
        let again = PairWorker.acquire()
        let lock = Mutex(0)
        again.run({ lock.withLock { $0 += 1 } }, { lock.withLock { $0 += 2 } })
        #expect(lock.withLock { $0 } == 3)
        PairWorker.release(again)
    }
}
