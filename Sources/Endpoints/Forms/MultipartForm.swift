import Basics
import MultipartKit

/// The fields and files of a `multipart/form-data` body, parsed with vapor/multipart-kit.
///
/// The settings page posts certificate files this way. The body is already capped at 256 KiB by the
/// transport; a body that is not well-formed multipart is refused as a whole.
struct MultipartForm {
    struct Part {
        let name: String
        let filename: String?
        let bytes: [UInt8]
    }

    let parts: [Part]

    /// Parses `body` given the request's `Content-Type`; nil when it is not valid multipart form data.
    init?(contentType: String?, body: [UInt8]) {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = Self.parameter("boundary", in: contentType), !boundary.isEmpty
        else { return nil }
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var headers: [(String, String)] = []
        var bytes: [UInt8] = []
        var malformed = false
        parser.onHeader = { name, value in headers.append((name.lowercased(), value)) }
        parser.onBody = { buffer in bytes += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0 == "content-disposition" }?.1 ?? ""
            if let name = Self.parameter("name", in: disposition) {
                parts.append(Part(name: name, filename: Self.parameter("filename", in: disposition), bytes: bytes))
            } else {
                malformed = true
            }
            headers = []
            bytes = []
        }
        do {
            try parser.execute(body)
        } catch {
            return nil
        }
        guard !malformed else { return nil }
        self.parts = parts
    }

    /// The text of field `name` when it occurs exactly once.
    func single(_ name: String) -> String? {
        let matching = parts.filter { $0.name == name }
        guard matching.count == 1 else { return nil }
        return String(decoding: matching[0].bytes, as: UTF8.self)
    }

    /// Every value of field `name` as text.
    func all(_ name: String) -> [String] {
        parts.filter { $0.name == name }.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    /// Uploaded files of field `name` (browsers send an empty part when no file was chosen; skipped).
    func files(_ name: String) -> [Part] {
        parts.filter { $0.name == name && $0.filename != nil && !($0.filename ?? "").isEmpty }
    }

    /// `key="value"` or `key=value` from a header such as Content-Type or Content-Disposition.
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimming(.http).lowercased() == key else { continue }
            var value = pair[1].trimming(.http)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = value.dropFirst().dropLast()
            }
            return String(value)
        }
        return nil
    }
}
