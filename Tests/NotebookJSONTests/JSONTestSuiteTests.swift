import Foundation
import NotebookJSON
import Testing

/// The project's JSON parser against JSONTestSuite's 318 parsing cases (see Fixtures/SOURCES.md): every
/// `y_` document parses and survives a write and a re-read unchanged, every `n_` document is rejected with
/// a line and column inside the text, and no `i_` document (implementation-defined) crashes the parser.
@Suite struct JSONTestSuiteTests {
    static let cases: [(name: String, bytes: [UInt8])] = {
        let url = Bundle.module.url(forResource: "json-test-suite", withExtension: "json", subdirectory: "Fixtures")!
        let table = try! JSONValue(parsing: Array(try! Data(contentsOf: url))).objectValue!
        return table.keys.sorted().map { name in (name, Array(Data(base64Encoded: table[name]!.stringValue!)!)) }
    }()

    @Test func theFixtureHasEveryCase() {
        #expect(Self.cases.count == 318)
        #expect(Self.cases.filter { $0.name.hasPrefix("y_") }.count == 95)
        #expect(Self.cases.filter { $0.name.hasPrefix("n_") }.count == 188)
    }

    @Test func acceptsEveryValidDocumentAndReadsBackWhatItWrites() {
        for (name, bytes) in Self.cases where name.hasPrefix("y_") {
            do {
                let value = try JSONValue(parsing: bytes)
                let again = try JSONValue(parsing: value.serializedBytes())
                #expect(again == value, "\(name): the value changed after a write and a re-read")
            } catch {
                Issue.record("\(name) is valid JSON but was rejected: \(error)")
            }
        }
    }

    @Test func rejectsEveryInvalidDocumentWithAPlaceInTheText() {
        for (name, bytes) in Self.cases where name.hasPrefix("n_") {
            do {
                let value = try JSONValue(parsing: bytes)
                Issue.record("\(name) is not JSON but parsed as \(value)")
            } catch {
                let lines = bytes.count { $0 == 0x0A } + 1
                #expect(error.line >= 1 && error.line <= lines && error.column >= 1, "\(name): \(error)")
                #expect(!error.reason.isEmpty)
            }
        }
    }

    @Test func implementationDefinedDocumentsFollowTheDocumentedChoices() {
        var rejected: [String] = []
        for (name, bytes) in Self.cases where name.hasPrefix("i_") {
            if (try? JSONValue(parsing: bytes)) == nil { rejected.append(name) }
        }
        // Only UTF-8 without a byte-order mark is read (as nbformat writes it); huge numbers become ±∞ or
        // lose digits, as in JavaScript; malformed UTF-8 and lone surrogates in strings become U+FFFD.
        #expect(rejected == [
            "i_string_UTF-16LE_with_BOM.json", "i_string_utf16BE_no_BOM.json", "i_string_utf16LE_no_BOM.json",
            "i_structure_UTF-8_BOM_empty_object.json",
        ])
    }

    @Test func particularValuesComeOutAsJavaScriptWouldReadThem() throws {
        #expect(try JSONValue(parsing: #"[1E400, -1e400, 1e-400]"#) == .array([.number(.infinity), .number(-.infinity), .number(0)]))
        #expect(try JSONValue(parsing: #"["\ud800x"]"#) == .array([.string("\u{FFFD}x")]))
        #expect(try JSONValue(parsing: #"["\ud834\udd1e"]"#) == .array([.string("𝄞")]))
        #expect(try JSONValue(parsing: #"{"a":1,"a":2}"#)["a"] == .number(2))  // the last duplicate wins
        #expect(try JSONValue(parsing: "  [-0.0e+1 ]\n") == .array([.number(-0.0)]))
    }
}
