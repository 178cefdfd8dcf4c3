// Parse time of the project's JSON parser (NotebookJSON) against Foundation's JSONSerialization, on the two
// kinds of JSON the tools read: executed notebooks (large, mostly long strings: SVG and HTML outputs) and
// the worker's small frames (one per output, dozens per cell).
// Run: swift run -c release --package-path Benchmarks JSONBenchmark NOTEBOOK.ipynb [more.ipynb …]
// (executed notebooks, e.g. from `swift-inference execute notebooks/*.ipynb --output-dir out`).
import Foundation
import NotebookJSON

/// The median of `repeats` timings of `body`, in milliseconds.
func median(repeats: Int, _ body: () -> Void) -> Double {
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
    }
    return times.sorted()[times.count / 2]
}

func compare(_ label: String, _ inputs: [[UInt8]], repeats: Int) {
    let datas = inputs.map { Data($0) }
    var sink = 0
    let ours = median(repeats: repeats) {
        for bytes in inputs { if case .object(let o) = try! JSONValue(parsing: bytes) { sink &+= o.count } }
    }
    let foundation = median(repeats: repeats) {
        for data in datas { sink &+= (try! JSONSerialization.jsonObject(with: data) as! [String: Any]).count }
    }
    let size = inputs.reduce(0) { $0 + $1.count }
    print(
        label.padding(toLength: 34, withPad: " ", startingAt: 0),
        String(format: "%9.3f ms  %9.3f ms  %5.2f×   (%d bytes)", ours, foundation, foundation / ours, size),
        sink == -1 ? "" : "")
}

let paths = CommandLine.arguments.dropFirst()
print("input".padding(toLength: 34, withPad: " ", startingAt: 0), "NotebookJSON  Foundation  Foundation ÷ ours (median)")
for path in paths {
    guard let data = FileManager.default.contents(atPath: path) else {
        print("cannot read \(path)")
        exit(1)
    }
    compare((path as NSString).lastPathComponent, [Array(data)], repeats: 21)
}
// Worker frames as the engine receives them: a stream line, a small display, a result.
let frames: [[UInt8]] = (0..<1000).map { i in
    let kinds = [
        #"{"t":"display","data":{"text/plain":"value \#(i)","text/html":"<b>\#(i)</b>"},"metadata":{},"id":"\#(i)"}"#,
        #"{"t":"result","data":{"text/plain":"\#(Double(i) * 0.125)"}}"#,
        #"{"t":"done","n":\#(i),"ok":true,"ms":1.5}"#,
    ]
    return Array(kinds[i % 3].utf8)
}
compare("1,000 worker frames", frames, repeats: 51)
