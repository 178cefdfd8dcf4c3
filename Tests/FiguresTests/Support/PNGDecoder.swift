import CZlib

/// A minimal PNG reader for tests: 8-bit greyscale, grey+alpha, RGB and RGBA, not interlaced —
/// what `rsvg-convert` writes. zlib inflates the image data; only the chunk walk and the row filters
/// (PNG's own, not zlib's) are written here.
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
        let stride = width * channels
        // Each row is one filter byte and its samples.
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawLength = uLongf(raw.count)
        let status = uncompress(&raw, &rawLength, compressed, uLong(compressed.count))
        guard status == Z_OK else { throw DecodeError("zlib could not inflate the image data (status \(status))") }
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
