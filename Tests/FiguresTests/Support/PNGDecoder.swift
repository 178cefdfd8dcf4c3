/// A minimal PNG reader for tests: 8-bit greyscale, grey+alpha, RGB and RGBA, not interlaced —
/// what `rsvg-convert` writes. Includes a small DEFLATE decoder (RFC 1951).
struct PNGImage {
    let width: Int
    let height: Int
    /// Pixels as RGBA, row by row.
    let rgba: [UInt8]

    struct DecodeError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    init(_ bytes: [UInt8]) throws {
        guard bytes.count > 8, Array(bytes[0..<8]) == [137, 80, 78, 71, 13, 10, 26, 10] else {
            throw DecodeError("not a PNG signature")
        }
        func be32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        var position = 8
        var width = 0, height = 0, depth = 0, colourType = 0, interlace = 0
        var compressed: [UInt8] = []
        while position + 8 <= bytes.count {
            let length = be32(position)
            let type = String(decoding: bytes[(position + 4)..<(position + 8)], as: UTF8.self)
            let data = Array(bytes[(position + 8)..<(position + 8 + length)])
            switch type {
            case "IHDR":
                width = be32(position + 8)
                height = be32(position + 12)
                depth = Int(data[8])
                colourType = Int(data[9])
                interlace = Int(data[12])
            case "IDAT": compressed += data
            default: break
            }
            position += 12 + length
            if type == "IEND" { break }
        }
        guard depth == 8, interlace == 0 else { throw DecodeError("unsupported PNG: depth \(depth), interlace \(interlace)") }
        let channels: Int
        switch colourType {
        case 0: channels = 1
        case 2: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        default: throw DecodeError("unsupported colour type \(colourType)")
        }
        var inflater = Inflater(Array(compressed.dropFirst(2)))
        let raw = try inflater.inflate()
        let stride = width * channels
        guard raw.count >= height * (stride + 1) else { throw DecodeError("image data too short: \(raw.count)") }
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            let source = row * (stride + 1) + 1
            let target = row * stride
            for i in 0..<stride {
                let x = raw[source + i]
                let a = i >= channels ? Int(pixels[target + i - channels]) : 0
                let b = row > 0 ? Int(pixels[target + i - stride]) : 0
                let c = i >= channels && row > 0 ? Int(pixels[target + i - stride - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: throw DecodeError("bad filter \(filter) in row \(row)")
                }
                pixels[target + i] = x &+ UInt8(predictor & 0xFF)
            }
        }
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        for p in 0..<(width * height) {
            let s = p * channels
            switch channels {
            case 1, 2:
                rgba[4 * p] = pixels[s]
                rgba[4 * p + 1] = pixels[s]
                rgba[4 * p + 2] = pixels[s]
                if channels == 2 { rgba[4 * p + 3] = pixels[s + 1] }
            default:
                rgba[4 * p] = pixels[s]
                rgba[4 * p + 1] = pixels[s + 1]
                rgba[4 * p + 2] = pixels[s + 2]
                if channels == 4 { rgba[4 * p + 3] = pixels[s + 3] }
            }
        }
        self.width = width
        self.height = height
        self.rgba = rgba
    }

    /// The number of pixels that are not (nearly) white or are transparent-free ink.
    var inkedPixelCount: Int {
        var count = 0
        for p in 0..<(width * height) {
            let alpha = Int(rgba[4 * p + 3])
            let darkest = min(rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2])
            if alpha > 16 && darkest < 235 { count += 1 }
        }
        return count
    }

    /// The number of distinct RGB colours.
    var distinctColours: Int {
        var seen = Set<UInt32>()
        for p in 0..<(width * height) {
            seen.insert(UInt32(rgba[4 * p]) << 16 | UInt32(rgba[4 * p + 1]) << 8 | UInt32(rgba[4 * p + 2]))
        }
        return seen.count
    }
}

/// DEFLATE decoding after the puff reference algorithm (canonical Huffman codes decoded bit by bit).
struct Inflater {
    private let input: [UInt8]
    private var position = 0
    private var bitBuffer = 0
    private var bitCount = 0
    private var output: [UInt8] = []

    init(_ input: [UInt8]) { self.input = input }

    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []
        init(lengths: [Int]) {
            for length in lengths { counts[length] += 1 }
            counts[0] = 0
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private mutating func bits(_ n: Int) throws -> Int {
        while bitCount < n {
            guard position < input.count else { throw PNGImage.DecodeError("deflate data ended early") }
            bitBuffer |= Int(input[position]) << bitCount
            position += 1
            bitCount += 8
        }
        let value = bitBuffer & ((1 << n) - 1)
        bitBuffer >>= n
        bitCount -= n
        return value
    }

    private mutating func decode(_ h: Huffman) throws -> Int {
        var code = 0, first = 0, index = 0
        for length in 1...15 {
            code |= try bits(1)
            let count = h.counts[length]
            if code - count < first { return h.symbols[index + (code - first)] }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw PNGImage.DecodeError("bad Huffman code")
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
        8193, 12289, 16385, 24577,
    ]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    mutating func inflate() throws -> [UInt8] {
        var last = 0
        repeat {
            last = try bits(1)
            switch try bits(2) {
            case 0:
                bitBuffer = 0
                bitCount = 0
                guard position + 4 <= input.count else { throw PNGImage.DecodeError("stored block header cut") }
                let length = Int(input[position]) | Int(input[position + 1]) << 8
                position += 4
                guard position + length <= input.count else { throw PNGImage.DecodeError("stored block cut") }
                output += input[position..<(position + length)]
                position += length
            case 1:
                let literal = Huffman(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
                let distance = Huffman(lengths: [Int](repeating: 5, count: 30))
                try codes(literal, distance)
            case 2:
                let literalCount = try bits(5) + 257, distanceCount = try bits(5) + 1, codeCount = try bits(4) + 4
                let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
                var codeLengths = [Int](repeating: 0, count: 19)
                for i in 0..<codeCount { codeLengths[order[i]] = try bits(3) }
                let lengthCode = Huffman(lengths: codeLengths)
                var lengths: [Int] = []
                while lengths.count < literalCount + distanceCount {
                    let symbol = try decode(lengthCode)
                    switch symbol {
                    case 0..<16: lengths.append(symbol)
                    case 16:
                        guard let previous = lengths.last else { throw PNGImage.DecodeError("repeat with no length") }
                        lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
                    case 17: lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
                    default: lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
                    }
                }
                try codes(
                    Huffman(lengths: Array(lengths[0..<literalCount])),
                    Huffman(lengths: Array(lengths[literalCount..<(literalCount + distanceCount)])))
            default:
                throw PNGImage.DecodeError("bad block type")
            }
        } while last == 0
        return output
    }

    private mutating func codes(_ literal: Huffman, _ distance: Huffman) throws {
        while true {
            let symbol = try decode(literal)
            if symbol < 256 {
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let index = symbol - 257
                guard index < 29 else { throw PNGImage.DecodeError("bad length symbol") }
                let length = Inflater.lengthBase[index] + (try bits(Inflater.lengthExtra[index]))
                let d = try decode(distance)
                guard d < 30 else { throw PNGImage.DecodeError("bad distance symbol") }
                let back = Inflater.distanceBase[d] + (try bits(Inflater.distanceExtra[d]))
                guard back <= output.count else { throw PNGImage.DecodeError("distance too far back") }
                let start = output.count - back
                for k in 0..<length { output.append(output[start + k]) }
            }
        }
    }
}
