#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VLMJSON

/// Reads fields of a config.json whose layout varies between checkpoint generations: a field may sit at
/// the top level, in `text_config`, in `rope_scaling` or `rope_parameters`. Each lookup lists the dotted
/// paths to try in order; a missing required field or a value of the wrong type is a typed error naming
/// the first path (never a silent class default).
public struct ConfigLookup: Sendable {
    public let file: String
    public let root: JSONValue

    public init(file: String, root: JSONValue) {
        self.file = file
        self.root = root
    }

    /// Parses `path` as a JSON object.
    public static func load(path: String) throws -> ConfigLookup {
        guard FileManager.default.fileExists(atPath: path) else { throw ModelConfigError.missingFile(path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelConfigError.malformed(file: path, reason: "\(error)")
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(data)
        } catch {
            throw ModelConfigError.malformed(file: path, reason: "\(error)")
        }
        guard root.objectValue != nil else { throw ModelConfigError.malformed(file: path, reason: "the top level is not an object") }
        return ConfigLookup(file: path, root: root)
    }

    /// The first present, non-null value among `paths` ("a.b.c"), with the path it came from.
    public func find(_ paths: [String]) -> (path: String, value: JSONValue)? {
        for path in paths {
            var value: JSONValue? = root
            for key in path.split(separator: ".") { value = value?[String(key)] }
            if let value, !value.isNull { return (path, value) }
        }
        return nil
    }

    public func int(_ paths: [String], default fallback: Int? = nil, hint: String = "") throws -> Int {
        try required(paths, fallback, hint, { $0.intValue }, expected: "an integer")
    }

    public func double(_ paths: [String], default fallback: Double? = nil, hint: String = "") throws -> Double {
        try required(paths, fallback, hint, { $0.doubleValue }, expected: "a number")
    }

    public func bool(_ paths: [String], default fallback: Bool? = nil, hint: String = "") throws -> Bool {
        try required(paths, fallback, hint, { $0.boolValue }, expected: "true or false")
    }

    public func string(_ paths: [String], default fallback: String? = nil, hint: String = "") throws -> String {
        try required(paths, fallback, hint, { $0.stringValue }, expected: "a string")
    }

    public func intArray(_ paths: [String], default fallback: [Int]? = nil, hint: String = "") throws -> [Int] {
        try required(paths, fallback, hint, { value in
            guard let items = value.arrayValue else { return nil }
            let ints = items.compactMap(\.intValue)
            return ints.count == items.count ? ints : nil
        }, expected: "an array of integers")
    }

    /// An integer or an array of integers (e.g. `eos_token_id`), as an array.
    public func intOrIntArray(_ paths: [String], default fallback: [Int]? = nil, hint: String = "") throws -> [Int] {
        try required(paths, fallback, hint, { value in
            if let single = value.intValue { return [single] }
            guard let items = value.arrayValue else { return nil }
            let ints = items.compactMap(\.intValue)
            return ints.count == items.count ? ints : nil
        }, expected: "an integer or an array of integers")
    }

    private func required<T>(_ paths: [String], _ fallback: T?, _ hint: String, _ convert: (JSONValue) -> T?,
                             expected: String) throws -> T
    {
        guard let (path, value) = find(paths) else {
            if let fallback { return fallback }
            throw ModelConfigError.missingField(file: file, key: paths.first ?? "?", hint: hint)
        }
        guard let converted = convert(value) else { throw ModelConfigError.wrongType(file: file, key: path, expected: expected) }
        return converted
    }
}
