/// Why a notebook, a parameter or an output location cannot be used, naming the file and the place.
public struct NotebookError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public enum Kind: String, Sendable, Hashable {
        /// The file could not be read.
        case unreadable
        /// The file is not JSON.
        case notJSON
        /// The file is a notebook of an nbformat version the runner does not read.
        case unsupportedVersion
        /// A field nbformat requires is missing.
        case missingField
        /// A field has the wrong type or value.
        case invalidField
        /// The notebook's kernelspec or language is not Swift.
        case wrongLanguage
        /// The output location cannot be written.
        case unwritable
        /// A `-p` parameter cannot be turned into a Swift literal of the declared type.
        case badParameter
        /// Options that do not fit together (two inputs writing the same output file, …).
        case badOptions
    }

    /// The kind of problem.
    public var kind: Kind
    /// The file concerned, when there is one.
    public var file: String?
    /// Where in the file, e.g. `cells[3].outputs[0]`.
    public var location: String?
    /// What is wrong, in words.
    public var message: String

    /// An error.
    /// - Parameters:
    ///   - kind: the kind of problem.
    ///   - file: the file concerned.
    ///   - location: where in the file.
    ///   - message: what is wrong.
    public init(_ kind: Kind, file: String? = nil, at location: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.location = location
        self.message = message
    }

    /// `file: location: message`, leaving out what is unknown.
    public var description: String {
        [file, location, message].compactMap { $0 }.joined(separator: ": ")
    }

    /// The same error, attributed to `file`.
    func inFile(_ file: String) -> NotebookError {
        var copy = self
        copy.file = file
        return copy
    }
}
