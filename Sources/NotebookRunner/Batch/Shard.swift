import Foundation

/// One of `count` slices of a batch's notebooks (`swift-inference execute --shard k/n`), so that n CI
/// machines each run a slice and `merge-reports` puts the results back together.
///
/// The assignment depends only on the notebooks' paths, not on the order they are given in or on the
/// machine: the notebooks are sorted by their path relative to the current folder (compared byte by
/// byte, as UTF-8), and the i-th of them (counting from 0) goes to shard `i mod n + 1`. Every notebook is
/// in exactly one shard, and the shards' sizes differ by at most one. Adding a notebook can move others
/// to another shard; that is harmless, since every machine of a CI run works the assignment out from the
/// same list.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// Which slice, from 1.
    public var index: Int
    /// How many slices.
    public var count: Int

    /// Why a `--shard` value cannot be used.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// A shard.
    /// - Throws: `ParseError` unless `1 <= index <= count`.
    public init(index: Int, count: Int) throws(ParseError) {
        guard count >= 1 else { throw ParseError(description: "--shard: the number of shards must be at least 1, not \(count)") }
        guard (1...count).contains(index) else {
            throw ParseError(description: "--shard: shard \(index) does not exist; with \(count) shards, give 1/\(count) to \(count)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// Reads `k/n`, as in `--shard 2/4`.
    /// - Throws: `ParseError` naming what is wrong with the text.
    public init(parsing text: String) throws(ParseError) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ParseError(description: "--shard: '\(text)' is not of the form k/n (say 2/4: the second of four shards)")
        }
        try self.init(index: index, count: count)
    }

    /// `k/n`.
    public var description: String { "\(index)/\(count)" }

    /// The notebooks of this shard, in their sorted order.
    /// - Parameters:
    ///   - files: every notebook of the batch, in any order.
    /// - Returns: the slice this shard runs.
    public func select(_ files: [String]) -> [String] {
        Shard.sorted(files).enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    /// The notebooks in assignment order: by path relative to the current folder, byte by byte.
    static func sorted(_ files: [String]) -> [String] {
        files.map { (key: Array(relative($0).utf8), file: $0) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            .map(\.file)
    }

    /// `path` relative to the current folder when it is inside it, else standardized and absolute.
    static func relative(_ path: String) -> String {
        let absolute = FileSystem.standardized(path)
        let here = FileSystem.standardized(".")
        return absolute.hasPrefix(here + "/") ? String(absolute.dropFirst(here.count + 1)) : absolute
    }
}
