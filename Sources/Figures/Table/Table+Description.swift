extension Table: CustomStringConvertible {
    /// The aligned plain-text table, so that `print(table)` shows it.
    public var description: String { plainText }
}
