import Foundation
import NotebookRunner
import Testing

/// `--shard k/n`: every notebook in exactly one shard, the same shards whatever the order of the
/// arguments, and a clear error for a value that is not a shard.
@Suite struct ShardTests {
    static let files = (1...11).map { String(format: "course/week-%02d/lecture.ipynb", $0) } + ["course/extra.ipynb", "b/ä.ipynb"]

    @Test(arguments: 1...7) func everyNotebookIsInExactlyOneShard(count: Int) throws {
        var seen: [String: Int] = [:]
        var sizes: [Int] = []
        for index in 1...count {
            let slice = try Shard(index: index, count: count).select(Self.files)
            sizes.append(slice.count)
            for file in slice { seen[file, default: 0] += 1 }
        }
        #expect(Set(seen.keys) == Set(Self.files))
        #expect(seen.values.allSatisfy { $0 == 1 })
        #expect(sizes.max()! - sizes.min()! <= 1, "shards are balanced: \(sizes)")
    }

    @Test func theAssignmentDoesNotDependOnTheOrderOrSpellingOfThePaths() throws {
        var generator = SystemRandomNumberGenerator()
        let spelled = Self.files.map { "./" + $0 }
        for index in 1...3 {
            let shard = try Shard(index: index, count: 3)
            let reference = shard.select(Self.files)
            for _ in 0..<5 {
                #expect(shard.select(Self.files.shuffled(using: &generator)) == reference)
            }
            // `./x` and `x` are the same notebook, in the same shard.
            #expect(shard.select(spelled).map { String($0.dropFirst(2)) } == reference)
            // Absolute paths under the current folder sort as the relative ones do.
            let here = FileManager.default.currentDirectoryPath
            #expect(shard.select(Self.files.map { here + "/" + $0 }).map { String($0.dropFirst(here.count + 1)) } == reference)
        }
        // Sorted byte by byte: b/… before course/…, week-02 before week-10.
        let first = try Shard(index: 1, count: 13).select(Self.files)
        #expect(first == ["b/ä.ipynb"])
        #expect(try Shard(index: 3, count: 13).select(Self.files) == ["course/week-01/lecture.ipynb"])
    }

    @Test func moreShardsThanNotebooksLeavesSomeEmpty() throws {
        #expect(try Shard(index: 4, count: 4).select(["a.ipynb", "b.ipynb"]).isEmpty)
        #expect(try Shard(index: 2, count: 4).select(["b.ipynb", "a.ipynb"]) == ["b.ipynb"])
    }

    @Test(arguments: [
        ("0/4", "shard 0 does not exist"), ("5/4", "shard 5 does not exist"), ("2/0", "at least 1"),
        ("a/b", "not of the form k/n"), ("3", "not of the form k/n"), ("1/2/3", "not of the form k/n"),
        ("", "not of the form k/n"), ("-1/4", "does not exist"), ("1 / 4", "not of the form k/n"),
    ])
    func badValuesGetAClearError(text: String, expected: String) {
        do {
            let shard = try Shard(parsing: text)
            Issue.record("'\(text)' was read as shard \(shard)")
        } catch {
            #expect(error.description.contains("--shard"))
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test func goodValuesRead() throws {
        #expect(try Shard(parsing: "2/4") == Shard(index: 2, count: 4))
        #expect(try Shard(parsing: " 1/1 ").description == "1/1")
    }
}
