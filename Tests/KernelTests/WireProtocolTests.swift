import JupyterProtocol
import NotebookJSON
import Testing

@Suite struct ConnectionInfoTests {
    @Test func readsTCPConnectionFile() throws {
        let info = try ConnectionInfo(
            parsing: """
                {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
                 "ip": "127.0.0.1", "key": "secret", "transport": "tcp", "signature_scheme": "hmac-sha256",
                 "kernel_name": "swift-inference"}
                """)
        #expect(info.endpoint(of: .shell) == "tcp://127.0.0.1:5001")
        #expect(info.endpoint(of: .heartbeat) == "tcp://127.0.0.1:5005")
        #expect(info.key == "secret")
    }

    @Test func readsIPCConnectionFile() throws {
        let info = try ConnectionInfo(
            parsing: """
                {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,
                 "ip": "/tmp/kernel-x", "key": "", "transport": "ipc"}
                """)
        #expect(info.endpoint(of: .iopub) == "ipc:///tmp/kernel-x-2")
    }

    @Test func namesTheMissingField() {
        #expect {
            try ConnectionInfo(parsing: #"{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4}"#)
        } throws: { error in
            (error as? JupyterProtocolError)?.message.contains("hb_port") == true
        }
    }

    @Test func rejectsUnknownSignatureScheme() {
        #expect(throws: JupyterProtocolError.self) {
            try ConnectionInfo(
                parsing: """
                    {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,
                     "signature_scheme": "hmac-md5"}
                    """)
        }
    }
}

@Suite struct MessageSignerTests {
    static let key = Array("a0436f6c-1916-498b-8eb9-e81ab9368e84".utf8)
    static let frames: [[UInt8]] = [
        Array(
            #"{"msg_id":"1","msg_type":"kernel_info_request","session":"s","username":"u","version":"5.3","date":"2024-01-01T00:00:00.000000Z"}"#
                .utf8),
        Array("{}".utf8), Array("{}".utf8), Array("{}".utf8),
    ]
    /// From scripts/reference/kernel_hmac.py (Python's hmac + hashlib.sha256, as jupyter_client signs).
    static let reference = "3bcbd9af705ba974283eb2f5b44353cf9b2d46463227bbd7006398a91cc2bd11"

    @Test func matchesPythonHMAC() {
        let signer = MessageSigner(key: Self.key)
        #expect(String(decoding: signer.signature(of: Self.frames), as: UTF8.self) == Self.reference)
    }

    @Test func verifiesInEitherCase() {
        let signer = MessageSigner(key: Self.key)
        #expect(signer.isValid(signature: Array(Self.reference.utf8), of: Self.frames))
        #expect(signer.isValid(signature: Array(Self.reference.uppercased().utf8), of: Self.frames))
    }

    @Test func rejectsWrongAndMissingSignatures() {
        let signer = MessageSigner(key: Self.key)
        var wrong = Array(Self.reference.utf8)
        wrong[10] = UInt8(ascii: wrong[10] == UInt8(ascii: "0") ? "1" : "0")
        #expect(!signer.isValid(signature: wrong, of: Self.frames))
        #expect(!signer.isValid(signature: [], of: Self.frames))
        #expect(!signer.isValid(signature: Array(Self.reference.utf8.dropLast()), of: Self.frames))
        #expect(!signer.isValid(signature: Array(Self.reference.utf8.dropLast(2)), of: Self.frames))
        var notHex = Array(Self.reference.utf8)
        notHex[0] = UInt8(ascii: "g")  // right length, not a hex digit
        #expect(!signer.isValid(signature: notHex, of: Self.frames))
        var tampered = Self.frames
        tampered[3] = Array(#"{"code":"x"}"#.utf8)
        #expect(!signer.isValid(signature: Array(Self.reference.utf8), of: tampered))
    }

    @Test func emptyKeyTurnsSigningOff() {
        let signer = MessageSigner(key: [])
        #expect(!signer.isEnabled)
        #expect(signer.signature(of: Self.frames).isEmpty)
        #expect(signer.isValid(signature: Array("anything".utf8), of: Self.frames))
    }
}

@Suite struct WireCodecTests {
    let codec = WireCodec(key: "k")
    let factory = MessageFactory(session: "test-session")

    @Test func roundTripsAMessage() throws {
        var message = factory.message("execute_request", content: ["code": "print(1)", "silent": false], parent: nil)
        message.identities = [[1, 2, 3]]
        message.buffers = [[9, 9]]
        let decoded = try codec.decode(codec.encode(message))
        #expect(decoded == message)
        #expect(decoded.messageType == "execute_request")
        #expect(decoded.header["version"]?.stringValue == "5.3")
    }

    @Test func headerDateIsISO8601WithMicroseconds() {
        let date = factory.header("status")["date"]?.stringValue ?? ""
        #expect(date.count == 27)
        #expect(date.hasSuffix("Z"))
        #expect(date.dropFirst(10).first == "T")
    }

    @Test func forgedSignatureIsRejected() throws {
        let message = factory.message("execute_request", content: ["code": "1"], parent: nil)
        var frames = WireCodec(key: "another key").encode(message)
        #expect { try codec.decode(frames) } throws: { ($0 as? JupyterProtocolError)?.kind == .badSignature }
        frames[1] = []
        #expect { try codec.decode(frames) } throws: { ($0 as? JupyterProtocolError)?.kind == .badSignature }
    }

    @Test func malformedFramesAreRejected() throws {
        let good = codec.encode(factory.message("kernel_info_request", content: [:], parent: nil))
        #expect { try codec.decode(Array(good.dropFirst())) } throws: {
            ($0 as? JupyterProtocolError)?.kind == .malformedMessage
        }
        #expect { try codec.decode(Array(good.prefix(4))) } throws: {
            ($0 as? JupyterProtocolError)?.kind == .malformedMessage
        }
        // Valid signature over invalid JSON: still rejected, as malformed.
        let unsigned = WireCodec(key: "")
        var frames = unsigned.encode(factory.message("kernel_info_request", content: [:], parent: nil))
        frames[5] = Array("{not json".utf8)
        #expect { try unsigned.decode(frames) } throws: { ($0 as? JupyterProtocolError)?.kind == .malformedMessage }
        frames[5] = Array("[1,2]".utf8)
        #expect { try unsigned.decode(frames) } throws: { ($0 as? JupyterProtocolError)?.kind == .malformedMessage }
        frames[5] = Array("{}".utf8)
        frames[2] = Array(#"{"msg_id":"x"}"#.utf8)
        #expect { try unsigned.decode(frames) } throws: { ($0 as? JupyterProtocolError)?.kind == .malformedMessage }
    }
}
