import SAML

/// Fields of an `application/x-www-form-urlencoded` body or query string.
///
/// A field given twice is treated as absent by ``single(_:)``: for `SAMLResponse` or a CSRF token,
/// "which copy counts" must never be a question an attacker gets to answer.
public struct FormData: Sendable {
    /// Every (name, value) pair in order.
    public let pairs: [(name: String, value: String)]

    /// Parses `text`; pairs that are not valid percent-encoding are dropped.
    public init(urlEncoded text: String) {
        var pairs: [(String, String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = URLEncoding.formValue(pieces[0]) else { continue }
            let value = pieces.count > 1 ? URLEncoding.formValue(pieces[1]) : ""
            guard let value else { continue }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    /// Parses a body (UTF-8 bytes) without first turning it into a string.
    public init(urlEncoded body: [UInt8]) {
        var pairs: [(String, String)] = []
        body.withUnsafeBufferPointer { buffer in
            var start = 0
            while start <= buffer.count {
                let end = buffer[start...].firstIndex(of: UInt8(ascii: "&")) ?? buffer.count
                if end > start {
                    let part = UnsafeBufferPointer(rebasing: buffer[start..<end])
                    let equals = part.firstIndex(of: UInt8(ascii: "=")) ?? part.count
                    let name = URLEncoding.formValue(bytes: UnsafeBufferPointer(rebasing: part[0..<equals]))
                    let value =
                        equals < part.count
                        ? URLEncoding.formValue(bytes: UnsafeBufferPointer(rebasing: part[(equals + 1)...])) : ""
                    if let name, let value { pairs.append((name, value)) }
                }
                start = end + 1
            }
        }
        self.pairs = pairs
    }

    /// The value of `name` when it occurs exactly once.
    public func single(_ name: String) -> String? {
        let values = pairs.filter { $0.name == name }
        return values.count == 1 ? values[0].value : nil
    }

    /// How many times `name` occurs.
    public func count(_ name: String) -> Int {
        pairs.count { $0.name == name }
    }
}
