import Inference
import Testing

@Suite struct DataLoadingTests {
    @Test func faithful() throws {
        let data = try loadFaithful()
        #expect(data.rowCount == 272 && data.columnCount == 2)
        #expect(data.columnNames == ["eruptions", "waiting"])
        #expect(data.rowLabels?.first == "1" && data.rowLabels?.last == "272")
        #expect(data.row(0) == [3.6, 79])
        #expect(data.row(2) == [3.333, 74])
        #expect(abs(data.column(0).reduce(0, +) / 272 - 3.487783) < 1e-6)
        #expect(abs(data.column(1).reduce(0, +) / 272 - 70.897059) < 1e-6)
    }

    @Test func iris() throws {
        let table = try DataMatrix.readCSV(path: gaussianMixtureDataFolder + "/iris.csv")
        #expect(table.rowCount == 150 && table.columnCount == 5)
        #expect(table.classNames == ["setosa", "versicolor", "virginica"])
        let (features, labels) = try table.splittingLabels()
        #expect(features.columnCount == 4)
        #expect(features.row(0) == [5.1, 3.5, 1.4, 0.2])
        #expect(labels.filter { $0 == 2 }.count == 50)
    }

    @Test func digits() throws {
        let table = try DataMatrix.readCSV(path: gaussianMixtureDataFolder + "/digits.csv")
        #expect(table.rowCount == 1797 && table.columnCount == 65)
        let (pixels, labels) = try table.splittingLabels()
        #expect(pixels.columnCount == 64)
        #expect(pixels.values.allSatisfy { $0 >= 0 && $0 <= 16 })
        #expect(Set(labels) == Set(0...9))
        #expect(labels[0] == 0)
    }

    @Test func parsing() throws {
        let quoted = try DataMatrix(csv: "\"\",\"a, b\",\"c\"\r\n\"x\",1,2\r\n\"y\",3,4e1\n\n")
        #expect(quoted.columnNames == ["a, b", "c"])
        #expect(quoted.rowLabels == ["x", "y"])
        #expect(quoted.values == [1, 2, 3, 40])
        let bare = try DataMatrix(csv: "1,2\n3,4\n")
        #expect(bare.rowCount == 2 && bare.rowLabels == nil && bare.columnNames == ["x0", "x1"])
        let named = try DataMatrix(csv: "p,q\n1,2\n")
        #expect(named.columnNames == ["p", "q"] && named.rowCount == 1)
    }

    @Test func badInputThrows() throws {
        #expect(throws: InferenceError.self) { try DataMatrix(csv: "") }
        #expect(throws: InferenceError.self) { try DataMatrix(csv: "a,b\n") }
        do {
            _ = try DataMatrix(csv: "a,b\n1,2\n3,oops\n")
            Issue.record("accepted a word")
        } catch let error as InferenceError {
            #expect(error.message.contains("line 3") && error.message.contains("column 2"))
        }
        #expect(throws: InferenceError.self) { try DataMatrix(csv: "1,2\n3,4\n5\n") }
        #expect(throws: InferenceError.self) { try DataMatrix(csv: "1,2\n3,nan\n") }
        #expect(throws: InferenceError.self) { try DataMatrix.readCSV(path: "/nonexistent/file.csv") }
        #expect(throws: InferenceError.self) { try DataMatrix(rowCount: 2, columnCount: 2, values: [1, 2, 3]) }
        #expect(throws: InferenceError.self) { try DataMatrix(rows: [[1, 2], [3]]) }
        #expect(throws: InferenceError.self) { try DataMatrix(rows: [[1.5]]).splittingLabels() }
    }
}
