import NotebookJSON
import NotebookRunner
import Testing

@Suite struct NotebookFormatTests {
    static func read(_ text: String) throws(NotebookError) -> Notebook {
        try Notebook(jsonBytes: Array(text.utf8), file: "x.ipynb")
    }

    static let minimal = """
        {"cells": [{"cell_type": "code", "id": "a1", "metadata": {}, "source": ["let x = 1\\n", "x"],
          "execution_count": 3, "outputs": [
            {"output_type": "stream", "name": "stdout", "text": ["one\\n", "two\\n"]},
            {"output_type": "execute_result", "execution_count": 3, "metadata": {},
             "data": {"text/plain": ["1"], "application/json": {"a": [1, 2]}}},
            {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["t1", "t2"]}]},
          {"cell_type": "markdown", "id": "m1", "metadata": {"tags": ["intro"]}, "source": "# Title"}],
         "metadata": {"kernelspec": {"name": "swift-inference", "language": "swift", "display_name": "S"}, "custom": 7},
         "nbformat": 4, "nbformat_minor": 5}
        """

    @Test func readsCellsOutputsAndJoinsLines() throws {
        let notebook = try Self.read(Self.minimal)
        #expect(notebook.cells.count == 2)
        #expect(notebook.cells[0].source == "let x = 1\nx")
        #expect(notebook.cells[0].executionCount == 3)
        #expect(notebook.cells[0].outputs[0] == .stream(name: "stdout", text: "one\ntwo\n"))
        #expect(
            notebook.cells[0].outputs[1]
                == .executeResult(
                    executionCount: 3, data: ["text/plain": "1", "application/json": ["a": [1, 2]]], metadata: [:]))
        #expect(notebook.cells[0].outputs[2] == .error(name: "E", value: "v", traceback: ["t1", "t2"]))
        #expect(notebook.cells[1].tags == ["intro"])
        #expect(notebook.metadata["custom"] == 7)
    }

    @Test func writesLinesAsNbformatDoesAndRoundTrips() throws {
        let notebook = try Self.read(Self.minimal)
        let text = notebook.serialized()
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\"source\": [\n    \"let x = 1\\n\",\n    \"x\"\n   ]"))
        #expect(text.contains("\"nbformat_minor\": 5"))
        #expect(try Self.read(text) == notebook)
    }

    /// `Fixtures/nbformat-written.ipynb` was written by `nbformat.write` (scripts/reference/runner_fixtures.py);
    /// reading and writing it again must give the same bytes.
    @Test func writesTheBytesNbformatWrites() throws {
        let bytes = try FileSystem.read(Fixtures.path("nbformat-written.ipynb"))
        let notebook = try Notebook(jsonBytes: bytes)
        #expect(notebook.serialized() == String(decoding: bytes, as: UTF8.self))
    }

    @Test func upgradesOldMinorVersionsWithDeterministicIDs() throws {
        let old = """
            {"cells": [{"cell_type": "code", "metadata": {}, "source": "1", "execution_count": null, "outputs": []},
                       {"cell_type": "raw", "metadata": {}, "source": "r"}],
             "metadata": {}, "nbformat": 4, "nbformat_minor": 2}
            """
        let first = try Self.read(old)
        let second = try Self.read(old)
        #expect(first.cells.allSatisfy { CellID.isValid($0.id) })
        #expect(first.cells[0].id != first.cells[1].id)
        #expect(first == second)
        #expect(first.serialized().contains("\"nbformat_minor\": 5"))
    }

    @Test func repairsDuplicateAndInvalidIDs() throws {
        let text = """
            {"cells": [{"cell_type": "markdown", "id": "same", "metadata": {}, "source": "a"},
                       {"cell_type": "markdown", "id": "same", "metadata": {}, "source": "b"},
                       {"cell_type": "markdown", "id": "bad id!", "metadata": {}, "source": "c"}],
             "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            """
        let ids = try Self.read(text).cells.map(\.id)
        #expect(ids[0] == "same")
        #expect(Set(ids).count == 3)
        #expect(ids.allSatisfy(CellID.isValid))
    }

    @Test(arguments: [
        ("not json {", NotebookError.Kind.notJSON, "not a JSON file"),
        (#"{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}"#, .unsupportedVersion, "nbformat 3"),
        (#"{"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}"#, .unsupportedVersion, "nbformat 5"),
        (#"{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}"#, .missingField, "'cells'"),
        (#"{"nbformat": 4, "nbformat_minor": 5, "cells": []}"#, .missingField, "'metadata'"),
        (#"{"metadata": {}, "cells": []}"#, .missingField, "'nbformat'"),
        (
            #"{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": ""}]}"#,
            .missingField, "'execution_count'"
        ),
        (
            #"{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": []}]}"#,
            .missingField, "'source'"
        ),
        (
            #"{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "heading", "metadata": {}, "source": ""}]}"#,
            .invalidField, "cell_type"
        ),
        (
            #"{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": "", "execution_count": null, "outputs": [{"output_type": "stream", "name": "stdout"}]}]}"#,
            .missingField, "'text'"
        ),
        ("[1, 2]", .invalidField, "not a JSON object"),
    ])
    func rejectsBadFilesNamingFileAndProblem(text: String, kind: NotebookError.Kind, phrase: String) {
        #expect {
            try Self.read(text)
        } throws: { error in
            guard let error = error as? NotebookError else { return false }
            return error.kind == kind && error.description.hasPrefix("x.ipynb: ") && error.description.contains(phrase)
        }
    }

    @Test func namesTheCellOfAMissingField() {
        let text =
            #"{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "markdown", "metadata": {}, "source": ""}, {"cell_type": "markdown", "source": ""}]}"#
        #expect(throws: NotebookError(.missingField, file: "x.ipynb", at: "cells[1]", "missing field 'metadata'")) {
            try Self.read(text)
        }
    }

    @Test func acceptsSwiftAndRejectsOtherLanguages() throws {
        var notebook = Make.notebook([])
        try notebook.checkLanguage()
        notebook.metadata = [:]
        try notebook.checkLanguage()
        notebook.metadata = ["kernelspec": ["name": "python3", "language": "python", "display_name": "Python 3"]]
        #expect(throws: NotebookError.self) { try notebook.checkLanguage() }
        notebook.metadata = ["kernelspec": ["name": "ir", "display_name": "R"]]
        #expect(throws: NotebookError.self) { try notebook.checkLanguage() }
        notebook.metadata = ["language_info": ["name": "julia"]]
        #expect(throws: NotebookError.self) { try notebook.checkLanguage() }
    }

    @Test func executionMetadataNamesTheKernelAndLanguage() {
        let metadata = Make.notebook([]).metadataForExecution(languageVersion: "6.3.1")
        #expect(metadata["kernelspec"]?["name"] == "swift-inference")
        #expect(metadata["kernelspec"]?["display_name"] == "Swift (Inference)")
        #expect(metadata["language_info"]?["name"] == "swift")
        #expect(metadata["language_info"]?["version"] == "6.3.1")
        #expect(metadata["language_info"]?["file_extension"] == ".swift")
    }

    @Test func cellIDValidity() {
        #expect(CellID.isValid("abc-DEF_09"))
        #expect(!CellID.isValid(""))
        #expect(!CellID.isValid("has space"))
        #expect(!CellID.isValid(String(repeating: "a", count: 65)))
        let id = CellID.generate(index: 0, source: "x", avoiding: [])
        #expect(CellID.generate(index: 0, source: "x", avoiding: [id]) != id)
    }
}

enum Fixtures {
    static func path(_ name: String) -> String {
        let here = #filePath
        let folder = here[..<here.lastIndex(of: "/")!]
        return folder + "/Fixtures/" + name
    }
}
