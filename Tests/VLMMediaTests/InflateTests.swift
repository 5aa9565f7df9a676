import Testing
import VLMJSON

@testable import VLMMedia

/// Our zlib decoder against zlib itself (scripts/fixtures/media/inflate_cases.py): every valid stream
/// of each level, strategy and window size decodes to zlib's bytes, and each of ~3,000 damaged
/// streams gets zlib's verdict (the same bytes, the same error text, or truncation). The Adler-32
/// check is exercised by every valid stream and the damaged ones; streams of up to 300 KB of output
/// slide the decoder's window several times.
struct InflateTests {
    struct Case {
        let name: String
        let stream: ArraySlice<UInt8>
        let verdict: JSONValue
    }

    static func cases() throws -> [Case] {
        let blob = try Fixtures.bytes("inflate/streams.bin")
        let manifest = try JSONParser.parse(try Fixtures.bytes("inflate/cases.json"))
        return try (manifest.arrayValue ?? []).map { entry in
            guard let name = entry["name"]?.stringValue, let offset = entry["offset"]?.intValue,
                let length = entry["length"]?.intValue, offset + length <= blob.count
            else { throw FixtureMissing(path: "inflate/cases.json entry \(entry)") }
            return Case(name: name, stream: blob[offset..<offset + length], verdict: entry)
        }
    }

    /// Decodes with the stream cut into pieces of `piece` bytes (PNG spreads it over chunks).
    static func decode(_ stream: ArraySlice<UInt8>, limit: Int, piece: Int) throws -> (Inflate.Outcome, [UInt8]) {
        try Array(stream).withUnsafeBytes { bytes in
            let segments = stride(from: 0, to: max(bytes.count, 1), by: piece).map {
                UnsafeRawBufferPointer(rebasing: bytes[$0..<min($0 + piece, bytes.count)])
            }
            var output: [UInt8] = []
            let (outcome, produced) = try Inflate.run(segments, limit: limit) { output.append(contentsOf: $0) }
            #expect(produced == output.count && produced <= limit)
            return (outcome, output)
        }
    }

    @Test func everyCaseGetsZlibsVerdict() throws {
        let cases = try Self.cases()
        #expect(cases.count > 4000)
        var checked = 0
        for (index, item) in cases.enumerated() {
            let size = item.verdict["size"]?.intValue ?? 0
            // Whole streams, and every seventh case also in 1- to 9-byte pieces.
            let piece = index % 7 == 0 ? 1 + index % 9 : max(item.stream.count, 1)
            let (outcome, output) = try Self.decode(item.stream, limit: 1 << 30, piece: piece)
            if let digest = item.verdict["ok"]?.stringValue {
                #expect(outcome == .done, "\(item.name)")
                #expect(output.count == size && MediaHash.sha256Hex(output) == digest, "\(item.name)")
            } else if item.verdict["truncated"] != nil {
                #expect(outcome == .truncated, "\(item.name)")
            } else {
                #expect(outcome == .corrupt(item.verdict["error"]?.stringValue ?? "?"), "\(item.name)")
            }
            checked += 1
        }
        #expect(checked == cases.count)
    }

    @Test func limitStopsWithoutError() throws {
        let item = try #require(try Self.cases().first { $0.name == "text-l6-s0-w15" })
        let size = try #require(item.verdict["size"]?.intValue)
        let (outcome, output) = try Self.decode(item.stream, limit: size / 3, piece: 1000)
        let (_, whole) = try Self.decode(item.stream, limit: size, piece: 1000)
        #expect(outcome == .outputFull)
        #expect(output == Array(whole.prefix(size / 3)))
    }

    @Test func sinkErrorStopsDecoding() throws {
        struct Stop: Error {}
        let item = try #require(try Self.cases().first { $0.name == "zeros-l6-s0-w15" })
        var calls = 0
        _ = Array(item.stream).withUnsafeBytes { bytes in
            #expect(throws: Stop.self) {
                _ = try Inflate.run([bytes], limit: 1 << 30) { _ in
                    calls += 1
                    if calls == 3 { throw Stop() }
                }
            }
        }
        #expect(calls == 3)
    }
}
