internal import SystemLibC

extension DataMatrix {
    /// How to treat the first line of a CSV file.
    public enum CSVHeader: Sendable, Hashable {
        /// A header when the first line holds text that is not a number (or has a different number of
        /// fields from the second line); otherwise data.
        case automatic
        /// The first line is a header.
        case present
        /// Every line is data.
        case absent
    }

    /// Reads a numeric CSV file, such as `data/faithful.csv`, `data/iris.csv` or `data/digits.csv`.
    ///
    /// The reader understands the three layouts the lectures use: a quoted header with a quoted row-label
    /// first column (faithful.csv: `"","eruptions","waiting"` then `"1",3.6,79`), scikit-learn's header
    /// `rows,columns,class names…` (iris.csv), and bare numbers (digits.csv). A first column whose data
    /// fields are quoted becomes `rowLabels`; a scikit-learn header's class names become `classNames`.
    /// Class labels stay as the last numeric column: use `splittingLabels()` to separate them.
    /// - Parameters:
    ///   - path: the file's path.
    ///   - header: whether the first line is a header.
    /// - Returns: the numbers, row-major.
    /// - Throws: `InferenceError` (.invalidInput) if the file cannot be read, is empty, has rows of different
    ///   lengths, or holds a field that is not a finite number — naming the line and column.
    public static func readCSV(path: String, header: CSVHeader = .automatic) throws -> DataMatrix {
        guard let file = fopen(path, "rb") else {
            throw InferenceError(.invalidInput, "cannot open \(path) (errno \(errno))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        if ferror(file) != 0 {
            throw InferenceError(.invalidInput, "cannot read \(path)")
        }
        do {
            return try DataMatrix(csv: String(decoding: bytes, as: UTF8.self), header: header)
        } catch let error as InferenceError {
            throw InferenceError(error.kind, "\(path): \(error.message)")
        }
    }

    /// Parses numeric CSV text; see `readCSV(path:header:)` for the layouts understood.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - header: whether the first line is a header.
    /// - Throws: `InferenceError` (.invalidInput) naming the line and column of the first bad field.
    public init(csv text: String, header: CSVHeader = .automatic) throws {
        var lines: [(number: Int, fields: [_CSVField])] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = rawLine
            if line.last == "\r" { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            lines.append((lineNumber, _CSVField.split(line)))
        }
        guard let first = lines.first else {
            throw InferenceError(.invalidInput, "the CSV text has no lines")
        }

        let hasHeader: Bool
        switch header {
        case .present: hasHeader = true
        case .absent: hasHeader = false
        case .automatic:
            let textual = first.fields.contains { $0.quoted || Double($0.text) == nil }
            let countDiffers = lines.count > 1 && lines[1].fields.count != first.fields.count
            hasHeader = textual || countDiffers
        }
        let dataLines = hasHeader ? Array(lines.dropFirst()) : lines
        guard let firstData = dataLines.first else {
            throw InferenceError(.invalidInput, "the CSV text has a header but no data rows")
        }
        let labelled = firstData.fields.first.map { $0.quoted || Double($0.text) == nil } ?? false
        let fieldCount = firstData.fields.count
        let columns = fieldCount - (labelled ? 1 : 0)
        guard columns > 0 else {
            throw InferenceError(.invalidInput, "line \(firstData.number) has no numeric columns")
        }

        var values: [Double] = []
        values.reserveCapacity(dataLines.count * columns)
        var labels: [String] = []
        for (number, fields) in dataLines {
            guard fields.count == fieldCount else {
                throw InferenceError(
                    .invalidInput, "line \(number) has \(fields.count) fields, line \(firstData.number) has \(fieldCount)")
            }
            for (j, field) in fields.enumerated() {
                if labelled && j == 0 {
                    labels.append(field.text)
                    continue
                }
                let trimmed = field.text.trimmingSpaces
                guard let v = Double(trimmed) else {
                    throw InferenceError(.invalidInput, "line \(number), column \(j + 1): \"\(field.text)\" is not a number")
                }
                guard v.isFinite else {
                    throw InferenceError(.invalidInput, "line \(number), column \(j + 1) is \(v)")
                }
                values.append(v)
            }
        }

        var names: [String]? = nil
        var classNames: [String]? = nil
        if hasHeader {
            let headerTexts = first.fields.map(\.text)
            let sklearnStyle =
                headerTexts.count >= 2 && Int(headerTexts[0]) == dataLines.count && Int(headerTexts[1]) != nil
                && !first.fields[0].quoted
            if sklearnStyle {
                classNames = Array(headerTexts.dropFirst(2))
            } else if headerTexts.count == fieldCount {
                names = Array(headerTexts.dropFirst(labelled ? 1 : 0))
            } else if headerTexts.count == columns {
                names = headerTexts
            }
        }
        try self.init(rowCount: dataLines.count, columnCount: columns, values: values, columnNames: names)
        self.rowLabels = labelled ? labels : nil
        self.classNames = classNames
    }
}

/// One field of a CSV line, unquoted, remembering whether it was quoted.
struct _CSVField {
    var text: String
    var quoted: Bool

    /// Splits a line at commas outside quotes; `""` inside quotes is a literal quote.
    static func split(_ line: Substring) -> [_CSVField] {
        var fields: [_CSVField] = []
        var current = ""
        var quoted = false
        var inQuotes = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            current.append("\"")
                        } else {
                            inQuotes = false
                            pending = next
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                inQuotes = true
                quoted = true
            } else if c == "," {
                fields.append(_CSVField(text: current, quoted: quoted))
                current = ""
                quoted = false
            } else {
                current.append(c)
            }
        }
        fields.append(_CSVField(text: current, quoted: quoted))
        return fields
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var s = self[...]
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
