/// GPT-2's reversible mapping between bytes and printable characters, which byte-level BPE vocabularies
/// are written in (`Ġ` is the space byte, `Ċ` the newline byte).
enum ByteLevel {
    /// The character standing for each byte.
    static let characterForByte: [Unicode.Scalar] = {
        var characters = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                characters[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                characters[byte] = Unicode.Scalar(next) ?? " "
                next += 1
            }
        }
        return characters
    }()

    /// The byte a character stands for; nil for characters outside the alphabet (all are below 0x144).
    static func byte(for character: Unicode.Scalar) -> UInt8? {
        byteForCharacter[Int(min(character.value, 0x144))]
    }

    private static let byteForCharacter: [UInt8?] = {
        var table = [UInt8?](repeating: nil, count: 0x145)
        for (byte, character) in characterForByte.enumerated() { table[Int(character.value)] = UInt8(byte) }
        return table
    }()

    /// The bytes a vocabulary entry stands for, or nil when it is not written in the byte alphabet.
    static func bytes(ofToken token: String) -> [UInt8]? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(token.unicodeScalars.count)
        for character in token.unicodeScalars {
            guard let byte = byte(for: character) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// The vocabulary spelling of raw bytes.
    static func token(forBytes bytes: some Sequence<UInt8>) -> String {
        var text = String.UnicodeScalarView()
        for byte in bytes { text.append(characterForByte[Int(byte)]) }
        return String(text)
    }
}
