import Foundation

/// The libraries a Swift object file asks to be linked with: the strings of its
/// `.swift1_autolink_entries` section, which `swift-autolink-extract` would print. Reading the section here
/// saves starting that tool for every cell (about a fifth of a trivial cell's compile time).
enum AutolinkEntries {
    static let sectionName = ".swift1_autolink_entries"

    /// The entries of a 64-bit little-endian ELF object, in order, each once; `nil` when the file cannot be
    /// read or is not such an object (the caller then runs the tool). An object without the section asks
    /// for nothing.
    static func read(objectAt path: String) -> [String]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return parse(data)
    }

    static func parse(_ data: Data) -> [String]? {
        let bytes = [UInt8](data)
        // ELF magic, 64-bit class, little-endian data.
        guard bytes.count >= 64, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46,
              bytes[4] == 2, bytes[5] == 1
        else { return nil }
        func integer(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, size <= 8, offset + size <= bytes.count else { return nil }
            var value: UInt64 = 0
            for index in (0..<size).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
            return value <= UInt64(Int.max) ? Int(value) : nil
        }
        guard let tableOffset = integer(0x28, 8), let entrySize = integer(0x3A, 2),
              let count = integer(0x3C, 2), let namesIndex = integer(0x3E, 2),
              entrySize >= 64, namesIndex < count
        else { return nil }
        func header(_ index: Int) -> (name: Int, offset: Int, size: Int)? {
            let base = tableOffset + index * entrySize
            guard let name = integer(base, 4), let offset = integer(base + 24, 8), let size = integer(base + 32, 8),
                  offset <= bytes.count, size <= bytes.count - offset
            else { return nil }
            return (name, offset, size)
        }
        guard let names = header(namesIndex) else { return nil }
        func name(at offset: Int) -> String? {
            let start = names.offset + offset
            guard offset < names.size else { return nil }
            let end = bytes[start..<(names.offset + names.size)].firstIndex(of: 0) ?? (names.offset + names.size)
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        for index in 0..<count {
            guard let section = header(index) else { return nil }
            guard name(at: section.name) == sectionName else { continue }
            var entries: [String] = []
            var seen = Set<String>()
            for piece in bytes[section.offset..<(section.offset + section.size)].split(separator: 0) {
                let entry = String(decoding: piece, as: UTF8.self)
                if seen.insert(entry).inserted { entries.append(entry) }
            }
            return entries
        }
        return []
    }
}
