extension Notebook {
    /// Checks that the notebook is meant for Swift: its kernelspec's `language` (or, without one, its name)
    /// and its `language_info.name` must say Swift when present. A notebook with neither is accepted.
    /// - Throws: `NotebookError(.wrongLanguage)` naming the language found.
    public func checkLanguage() throws(NotebookError) {
        if case .object(let spec)? = metadata["kernelspec"] {
            if let language = spec["language"]?.stringValue {
                guard language.lowercased() == "swift" else {
                    throw NotebookError(
                        .wrongLanguage, at: "metadata.kernelspec.language",
                        "the notebook is for \(language), not Swift (kernel '\(spec["name"]?.stringValue ?? "?")')")
                }
            } else if let name = spec["name"]?.stringValue, !name.lowercased().contains("swift") {
                throw NotebookError(
                    .wrongLanguage, at: "metadata.kernelspec.name",
                    "the notebook's kernel '\(name)' is not a Swift kernel")
            }
        }
        if case .object(let info)? = metadata["language_info"], let name = info["name"]?.stringValue,
            name.lowercased() != "swift"
        {
            throw NotebookError(
                .wrongLanguage, at: "metadata.language_info.name", "the notebook's language is \(name), not Swift")
        }
    }
}
