import VLMJSON

/// Parsers for `vlm serve`'s flag values, with vLLM's syntax and a message naming the flag on error.
public enum ServeFlags {
    /// vLLM's human-readable integers: `8192`, `8k` (×1000, decimals allowed: `25.6k`), `8K` (×1024).
    public static func humanInt(_ text: String, flag: String) throws -> Int {
        let value = text.trimmingCharacters(in: " ")
        let decimal: [Character: Double] = ["k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12]
        let binary: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        let invalid = ServeConfigurationError("\(flag): \(text.debugDescription) is not a number (examples: 8192, 8k = 8000, 8K = 8192).")
        guard let last = value.last else { throw invalid }
        let digits = decimal[last] != nil || binary[last] != nil ? String(value.dropLast()) : value
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), digits.filter({ $0 == "." }).count <= 1,
              digits.first != ".", digits.last != "."
        else { throw invalid }
        if let multiplier = decimal[last], let number = Double(digits) {
            return Int(number * multiplier)
        }
        guard !digits.contains(".") else {
            throw ServeConfigurationError("\(flag): decimals are only allowed with decimal suffixes (k/m/g/t), got \(text.debugDescription).")
        }
        guard let number = Int(digits) else { throw invalid }
        let (product, overflow) = number.multipliedReportingOverflow(by: binary[last] ?? 1)
        guard !overflow else { throw invalid }
        return product
    }

    /// `--max-model-len`: a human-readable integer, or `auto` / `-1` for the checkpoint's own (nil).
    public static func maxModelLen(_ text: String) throws -> Int? {
        if text == "auto" || text == "-1" { return nil }
        let value = try humanInt(text, flag: "--max-model-len")
        guard value > 0 else { throw ServeConfigurationError("--max-model-len must be positive, got \(text).") }
        return value
    }

    /// `--limit-mm-per-prompt`, either `image=4,video=0` or `{"image": 4, "video": 0}` (a value may also
    /// be `{"count": 4}`); kinds not named keep vLLM's default.
    public static func mediaLimits(_ text: String) throws -> PromptMediaLimits {
        var limits = PromptMediaLimits.vllmDefault
        var pairs: [(String, Int?)] = []
        if text.trimmingCharacters(in: " ").hasPrefix("{") {
            let object = try jsonObject(text, flag: "--limit-mm-per-prompt")
            for (key, value) in object { pairs.append((key, value.intValue ?? value["count"]?.intValue)) }
        } else {
            for item in text.split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: " ") }
                pairs.append((parts.first ?? "", parts.count == 2 ? Int(parts[1]) : nil))
            }
        }
        for (kind, count) in pairs {
            guard let count, count >= 0 else {
                throw ServeConfigurationError("--limit-mm-per-prompt: the limit for \(kind.debugDescription) must be a non-negative integer.")
            }
            switch kind {
            case "image": limits.image = count
            case "video": limits.video = count
            default: throw ServeConfigurationError("--limit-mm-per-prompt: Qwen2-VL takes images and videos, not \(kind.debugDescription).")
            }
        }
        return limits
    }

    /// A flag whose value is a JSON object (`--mm-processor-kwargs`).
    public static func jsonObject(_ text: String, flag: String) throws -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw ServeConfigurationError("\(flag) must be JSON: \(error)")
        }
        guard let object = value.objectValue else { throw ServeConfigurationError("\(flag) must be a JSON object, not \(value.typeName).") }
        return object
    }

    /// A flag whose value is a JSON list of strings (`--allowed-origins '["https://a.example"]'`).
    public static func jsonStringList(_ text: String, flag: String) throws -> [String] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw ServeConfigurationError("\(flag) must be a JSON list of strings: \(error)")
        }
        guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw ServeConfigurationError("\(flag) must be a JSON list of strings, like '[\"*\"]'.")
        }
        return items.compactMap(\.stringValue)
    }

    /// API keys: every `--api-key`, else `VLM_API_KEY`, else `VLLM_API_KEY` (vLLM's variable).
    public static func apiKeys(flags: [String], environment: [String: String]) -> [String] {
        if !flags.isEmpty { return flags }
        for name in ["VLM_API_KEY", "VLLM_API_KEY"] {
            if let key = environment[name], !key.isEmpty { return [key] }
        }
        return []
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}
