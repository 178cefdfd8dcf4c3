"""Reference HMAC-SHA256 signature for Tests/KernelTests/WireCodecTests.swift.

Signs the four JSON frames the test builds with the same key, as jupyter_client's Session does
(hmac.new(key, digestmod=sha256), updated with header, parent header, metadata, content).
"""
import hashlib
import hmac

key = b"a0436f6c-1916-498b-8eb9-e81ab9368e84"
frames = [
    b'{"msg_id":"1","msg_type":"kernel_info_request","session":"s","username":"u","version":"5.3","date":"2024-01-01T00:00:00.000000Z"}',
    b"{}",
    b"{}",
    b"{}",
]
h = hmac.new(key, digestmod=hashlib.sha256)
for f in frames:
    h.update(f)
print(h.hexdigest())
