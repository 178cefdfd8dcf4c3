import NotebookJSON
import Testing
import WorkerProtocol

@testable import CellEngine

/// The frames between worker and engine: every case survives a trip through its JSON, the wire format is
/// the one the worker has always written, and bad input becomes an error that says what is wrong.
@Suite struct WorkerFrameTests {
    static let everyCase: [WorkerFrame] = [
        .ready,
        .started,
        .display(data: ["text/plain": "1", "image/svg+xml": "<svg/>"], id: nil),
        .display(data: ["text/plain": "curve"], id: "loss"),
        .update(data: ["text/plain": "curve 2"], id: "loss"),
        .clear(wait: false),
        .clear(wait: true),
        .result(data: ["text/plain": "\"quoted\\n\" ✓"]),
        .types([:]),
        .types(["x": "Array<Int>", "model": "GaussianMixture"]),
        .thrown(type: "ParseError", description: "line 3: unexpected \u{1E}"),
        .input(prompt: "Name? ", password: false),
        .input(prompt: "", password: true),
        .done(run: 1, end: .finished),
        .done(run: 7, end: .exited(status: 3)),
        .done(run: 12, end: .exited(status: -1)),
        .done(run: 2, end: .notLoaded),
        .done(run: 3, end: .abandoned),
        .commOpen(
            id: "0123456789abcdef0000000100000002", target: "jupyter.widget",
            data: ["state": ["value": 0.5, "_model_name": "FloatSliderModel"], "buffer_paths": []], metadata: ["version": "2.1.0"]),
        .commMessage(id: "c1", data: ["method": "update", "state": ["outputs": [["output_type": "stream", "text": "a\nb"]]]]),
        .commClose(id: "c1", data: [:]),
    ]

    @Test(arguments: everyCase)
    func everyCaseRoundTrips(_ frame: WorkerFrame) throws {
        #expect(try WorkerFrame(decoding: frame.encoded) == frame)
        #expect(try WorkerFrame(json: frame.json) == frame)
        // Compact JSON escapes control characters, so no frame can hold the envelope's record separator.
        #expect(!frame.encoded.contains(0x1E) && !frame.encoded.contains(UInt8(ascii: "\n")))
    }

    @Test func theWireFormatIsTheWorkersOwn() throws {
        #expect(String(decoding: WorkerFrame.ready.encoded, as: UTF8.self) == #"{"t":"ready"}"#)
        #expect(String(decoding: WorkerFrame.clear(wait: true).encoded, as: UTF8.self) == #"{"t":"clear","wait":true}"#)
        #expect(
            String(decoding: WorkerFrame.done(run: 4, end: .exited(status: 2)).encoded, as: UTF8.self)
                == #"{"exit":2,"n":4,"ok":false,"t":"done"}"#)
        #expect(try WorkerFrame(decoding: Array(#"{"t":"done","n":5,"ok":false,"load":true}"#.utf8)) == .done(run: 5, end: .notLoaded))
        #expect(try WorkerFrame(decoding: Array(#"{"t":"done","n":5,"ok":false}"#.utf8)) == .done(run: 5, end: .abandoned))
    }

    @Test(arguments: [
        (#"{"t":"clear"}"#, "member 'wait' of a 'clear' worker frame is missing"),
        (#"{"t":"done","ok":true}"#, "member 'n' of a 'done' worker frame is missing"),
        (#"{"t":"thrown","type":"E"}"#, "member 'description' of a 'thrown' worker frame is missing"),
        (#"{"t":"clear","wait":"yes"}"#, "member 'wait' of a 'clear' worker frame must be a boolean, not a string"),
        (#"{"t":"done","n":1.5,"ok":true}"#, "member 'n' of a 'done' worker frame must be an integer, not a number"),
        (#"{"t":"done","n":1,"ok":false,"exit":"3"}"#, "member 'exit' of a 'done' worker frame must be an integer, not a string"),
        (#"{"t":"done","n":1,"ok":false,"exit":1e12}"#, "member 'exit' of a 'done' worker frame is out of range: 1000000000000"),
        (#"{"t":"display","data":["a"]}"#, "member 'data' of a 'display' worker frame must be an object, not an array"),
        (#"{"t":"result","data":{"text/plain":1}}"#, "member 'data' of a 'result' worker frame: the value of 'text/plain' must be a string, not an integer"),
        (#"{"t":"display","data":{},"id":7}"#, "member 'id' of a 'display' worker frame must be a string, not an integer"),
        (#"{"t":"displya","data":{}}"#, "unknown worker frame type 'displya'"),
        (#"{"t":"comm_msg","data":{}}"#, "member 'id' of a 'comm_msg' worker frame is missing"),
        (#"{"t":"comm_msg","id":"c","data":[1]}"#, "member 'data' of a 'comm_msg' worker frame must be an object, not an array"),
        (#"{"t":"comm_open","id":"c","target":"jupyter.widget","data":{}}"#, "member 'metadata' of a 'comm_open' worker frame is missing"),
        (#"{"t":"comm_close","id":3,"data":{}}"#, "member 'id' of a 'comm_close' worker frame must be a string, not an integer"),
        (#"{"data":{}}"#, "a worker frame has no member 't' naming its type"),
        (#"{"t":3}"#, "member 't' of a worker frame must be a string, not an integer"),
        (#"["t","ready"]"#, "a worker frame must be a JSON object, not an array"),
    ])
    func malformedFramesSayWhatIsWrong(_ text: String, _ expected: String) {
        #expect(throws: WorkerFrameError(expected)) { try WorkerFrame(decoding: Array(text.utf8)) }
    }

    @Test(arguments: [#"{"t":"display","data":{"text/pl"#, #"{"t":"clear","wait":tru"#, "", "not json"])
    func truncatedJSONIsAnErrorNotACrash(_ text: String) {
        do {
            _ = try WorkerFrame(decoding: Array(text.utf8))
            Issue.record("'\(text)' decoded")
        } catch {
            #expect(error.description.hasPrefix("a worker frame is not JSON: invalid JSON"))
        }
    }

    @Test func theDecoderTurnsEnvelopesBackIntoFramesAndText() {
        var decoder = FrameDecoder(nonce: "abc")
        let clear = WorkerFrame.clear(wait: false)
        let stream = Array("before".utf8) + clear.envelope(nonce: "abc") + Array("after".utf8)
        // Fed a byte at a time, the frame still arrives whole and in its place.
        var pieces: [FrameDecoder.Piece] = []
        for byte in stream { pieces += decoder.feed([byte]) }
        let text = pieces.compactMap { if case .text(let bytes) = $0 { return String(decoding: bytes, as: UTF8.self) } else { return nil } }
        #expect(text.joined() == "beforeafter")
        #expect(pieces.contains(.frame(clear)))
        #expect(decoder.flush().isEmpty)
    }

    @Test func aWholeEnvelopeWithABadFrameIsReportedNotDropped() {
        var decoder = FrameDecoder(nonce: "n1")
        let payload = Array(#"{"t":"shout","volume":11}"#.utf8)
        let envelope = WorkerFrame.envelopeHeader(nonce: "n1") + Array("\(payload.count):".utf8) + payload
        let pieces = decoder.feed(envelope + WorkerFrame.started.envelope(nonce: "n1"))
        #expect(pieces == [.malformed(WorkerFrameError("unknown worker frame type 'shout'")), .frame(.started)])
    }
}
