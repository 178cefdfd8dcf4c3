import WorkerProtocol

/// Splits the worker's standard output into the text cells printed and the event frames between it.
///
/// A frame travels in the envelope `WorkerFrame.envelope(nonce:)` writes. Bytes that could still become a
/// frame header are held back until the next chunk decides.
struct FrameDecoder {
    enum Piece: Equatable {
        case text([UInt8])
        case frame(WorkerFrame)
        /// A whole envelope whose payload is not a valid frame (not JSON, an unknown type, a missing member).
        case malformed(WorkerFrameError)
    }

    let header: [UInt8]
    private var pending: [UInt8] = []
    /// How far the payload of a frame held back at the start of `pending` was already searched for a
    /// record separator, so that a large frame arriving in many chunks is searched once.
    private var searchedUpTo = 0

    init(nonce: String) {
        header = WorkerFrame.envelopeHeader(nonce: nonce)
    }

    mutating func feed(_ bytes: [UInt8]) -> [Piece] {
        pending.append(contentsOf: bytes)
        var pieces: [Piece] = []
        var textStart = 0
        var index = 0
        let count = pending.count
        while index < count {
            guard let start = pending[index...].firstIndex(of: 0x1E) else {
                index = count
                break
            }
            // Is a frame header here?
            let available = count - start
            let compared = min(available, header.count)
            if !pending[start..<start + compared].elementsEqual(header[0..<compared]) {
                index = start + 1
                continue
            }
            if available < header.count {
                index = start
                searchedUpTo = 0
                break  // maybe a header, wait for more bytes
            }
            // Header complete: read "<count>:"
            var cursor = start + header.count
            var length = 0
            var digits = 0
            while cursor < count, pending[cursor] >= 0x30, pending[cursor] <= 0x39, digits < 12 {
                length = length * 10 + Int(pending[cursor] - 0x30)
                cursor += 1
                digits += 1
            }
            if cursor >= count {
                index = start
                searchedUpTo = 0
                break
            }
            guard digits > 0, pending[cursor] == UInt8(ascii: ":") else {
                index = start + 1
                continue
            }
            cursor += 1
            // A payload is serialised JSON, which escapes every control character: a record separator
            // inside it means this frame was cut short (its writer died, or a cell wrote a header of its
            // own) and another frame starts there. Drop the broken one instead of waiting for bytes that
            // will never come, which would swallow every later frame, `done` included.
            let payloadEnd = min(count, cursor + length)
            let searchFrom = start == 0 ? max(cursor, min(searchedUpTo, payloadEnd)) : cursor
            if let next = pending[searchFrom..<payloadEnd].firstIndex(of: 0x1E) {
                if start > textStart { pieces.append(.text(Array(pending[textStart..<start]))) }
                pieces.append(.text(Array(FrameDecoder.droppedNote.utf8)))
                index = next
                textStart = next
                continue
            }
            if count - cursor < length {
                index = start
                searchedUpTo = payloadEnd - start
                break
            }
            if start > textStart { pieces.append(.text(Array(pending[textStart..<start]))) }
            do throws(WorkerFrameError) {
                pieces.append(.frame(try WorkerFrame(decoding: Array(pending[cursor..<cursor + length]))))
            } catch {
                pieces.append(.malformed(error))
            }
            index = cursor + length
            textStart = index
        }
        // Everything before `index` that is not a frame is text; from `index` on is held back.
        let held = index < count ? index : count
        if held > textStart { pieces.append(.text(Array(pending[textStart..<held]))) }
        if held == count { searchedUpTo = 0 }
        pending.removeFirst(held)
        return pieces
    }

    /// Shown in place of an output record that arrived broken.
    static let droppedNote = "\n[swift-inference: an incomplete output record was dropped]\n"

    /// Whatever is held back, at the end of the stream: text, or a note when it is the start of a frame
    /// that never finished (the worker died while writing it).
    mutating func flush() -> [UInt8] {
        defer { pending.removeAll() }
        if pending.starts(with: header) { return Array(FrameDecoder.droppedNote.utf8) }
        return pending
    }
}

/// Decodes a byte stream as UTF-8 across chunk boundaries, replacing invalid bytes with U+FFFD.
struct StreamingUTF8Decoder {
    private var carry: [UInt8] = []

    mutating func decode(_ bytes: [UInt8]) -> String {
        var data = carry + bytes
        carry.removeAll()
        // Hold back an incomplete sequence at the end.
        var tail = 0
        var index = data.count - 1
        while index >= 0 && tail < 4 {
            let byte = data[index]
            if byte & 0xC0 == 0x80 {
                tail += 1
                index -= 1
                continue
            }
            let expected = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if expected > tail + 1 && byte >= 0xC0 {
                carry = Array(data[index...])
                data.removeLast(tail + 1)
            }
            break
        }
        return String(decoding: data, as: UTF8.self)
    }

    mutating func finish() -> String {
        defer { carry.removeAll() }
        return carry.isEmpty ? "" : String(decoding: carry, as: UTF8.self)
    }
}
