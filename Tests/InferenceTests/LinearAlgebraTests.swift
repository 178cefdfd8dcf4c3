import Inference
import Testing

// Reference values: scripts/reference/distributions.py (NumPy).
@Suite struct LinearAlgebraTests {
    let cov = try! Matrix([[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.7]])

    @Test func choleskyMatchesNumPy() throws {
        let chol = try CholeskyFactor(cov)
        let expected: [[Double]] = [
            [1.4142135623730951, 0, 0],
            [0.35355339059327373, 0.9354143466934853, 0],
            [0.07071067811865475, -0.24053511772118197, 0.7982122882685139],
        ]
        #expect(CoreCheck.close(chol.lower.entries, expected.flatMap { $0 }, 1e-14))
        #expect(CoreCheck.close(chol.logDeterminant, 0.10885440491208204, 1e-13))
        #expect(CoreCheck.close(chol.matrix.entries, cov.entries, 1e-14))
    }

    @Test func solveAndInverse() throws {
        let chol = try CholeskyFactor(cov)
        let b = [1.0, -2.0, 3.0]
        let x = try chol.solve(b)
        #expect(CoreCheck.close(try cov.multiplied(by: x), b, 1e-13))
        let product = try cov.multiplied(by: chol.inverse)
        #expect(CoreCheck.close(product.entries, Matrix.identity(3).entries, 1e-13))
    }

    @Test func singularAndIndefiniteMatricesThrow() throws {
        let singular = try Matrix([[1, 2], [2, 4]])
        #expect(CoreCheck.throwsKind(.notPositiveDefinite) { _ = try CholeskyFactor(singular) })
        let negative = try Matrix([[1, 0], [0, -1]])
        #expect(CoreCheck.throwsKind(.notPositiveDefinite) { _ = try CholeskyFactor(negative) })
        let asymmetric = try Matrix([[1, 0.5], [0, 1]])
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try CholeskyFactor(asymmetric) })
        let withNaN = try Matrix([[1, .nan], [.nan, 1]])
        #expect(CoreCheck.throwsKind(.invalidInput) { _ = try CholeskyFactor(withNaN) })
        #expect(CoreCheck.throwsKind(.dimensionMismatch) { _ = try Matrix([[1, 2], [3]]) })
        #expect(CoreCheck.throwsKind(.dimensionMismatch) { _ = try cov.multiplied(by: [1.0, 2.0]) })
    }

    @Test func logSumExpIsStableAndExact() {
        #expect(CoreCheck.close(logSumExp([1000.0, 1000.0]), 1000 + 0.6931471805599453, 1e-15))
        #expect(CoreCheck.close(logSumExp([-1000.0, -1000.0]), -1000 + 0.6931471805599453, 1e-15))
        #expect(logSumExp([Double]()) == -.infinity)
        #expect(logSumExp([-Double.infinity, -.infinity]) == -.infinity)
        #expect(CoreCheck.close(logSumExp([0.0, -Double.infinity]), 0))
        #expect(logSumExp([1.0, .nan]).isNaN)
        #expect(CoreCheck.close(logMeanExp([0.0, 0.0, 0.0, 0.0]), 0))
        #expect(CoreCheck.close(logAddExp(-800, -801), -800 + 0.31326168751822286, 1e-15))
    }

    @Test func logSumExpAccumulatorMergesLikeOnePass() {
        let terms = (0..<1000).map { Double($0 % 37) * -25.0 + Double($0) * 0.01 }
        var left = LogSumExpAccumulator()
        var right = LogSumExpAccumulator()
        for t in terms[..<400] { left.add(t) }
        for t in terms[400...] { right.add(t) }
        left.merge(right)
        #expect(left.count == 1000)
        #expect(CoreCheck.close(left.value, logSumExp(terms), 1e-14))
    }
}
