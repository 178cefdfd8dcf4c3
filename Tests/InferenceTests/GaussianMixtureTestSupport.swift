import Inference
import Testing

/// The repository's `data/` folder, found from this file's path.
let gaussianMixtureDataFolder: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/InferenceTests/<file>
    return parts.joined(separator: "/") + "/data"
}()

/// data/faithful.csv as a 272 × 2 matrix.
func loadFaithful() throws -> DataMatrix {
    try DataMatrix.readCSV(path: gaussianMixtureDataFolder + "/faithful.csv")
}

/// data/iris.csv's four features.
func loadIrisFeatures() throws -> DataMatrix {
    try DataMatrix.readCSV(path: gaussianMixtureDataFolder + "/iris.csv").splittingLabels().features
}

/// Draws N rows from a random K-component mixture in d dimensions, for property tests.
func syntheticMixtureData(rows n: Int, dimension d: Int, components k: Int, seed: UInt64) throws -> DataMatrix {
    var g = SeededGenerator(seed: seed)
    var centres: [[Double]] = []
    for _ in 0..<k { centres.append((0..<d).map { _ in 6 * g.nextStandardNormal() }) }
    var values: [Double] = []
    for _ in 0..<n {
        let c = min(k - 1, Int(g.nextUniform() * Double(k)))
        let scale = 0.5 + Double(c)
        var previous = 0.0
        for j in 0..<d {
            // Correlated coordinates, so full covariances matter.
            let e = g.nextStandardNormal()
            let v = centres[c][j] + scale * (0.8 * e + 0.6 * previous)
            previous = e
            values.append(v)
        }
    }
    return try DataMatrix(rowCount: n, columnCount: d, values: values)
}
