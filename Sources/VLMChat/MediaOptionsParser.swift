import VLMJSON

/// The per-item preprocessing keys of a content part (qwen-vl-utils' names), type-checked.
enum MediaOptionsParser {
    static func parse(_ part: JSONObject, path: String) throws -> MediaOptions {
        var options = MediaOptions()
        options.minPixels = try positiveInt(part, "min_pixels", path)
        options.maxPixels = try positiveInt(part, "max_pixels", path)
        options.resizedHeight = try positiveInt(part, "resized_height", path)
        options.resizedWidth = try positiveInt(part, "resized_width", path)
        options.totalPixels = try positiveInt(part, "total_pixels", path)
        options.frameCount = try positiveInt(part, "nframes", path)
        options.minFrames = try positiveInt(part, "min_frames", path)
        options.maxFrames = try positiveInt(part, "max_frames", path)
        options.fps = try number(part, "fps", path, allowZero: false)
        options.videoStart = try number(part, "video_start", path, allowZero: true)
        options.videoEnd = try number(part, "video_end", path, allowZero: true)
        if let minimum = options.minPixels, let maximum = options.maxPixels, minimum > maximum {
            throw ChatInputError("\(path): min_pixels (\(minimum)) is larger than max_pixels (\(maximum))")
        }
        if (options.resizedHeight == nil) != (options.resizedWidth == nil) {
            throw ChatInputError("\(path): resized_height and resized_width must be given together")
        }
        return options
    }

    private static func positiveInt(_ part: JSONObject, _ key: String, _ path: String) throws -> Int? {
        guard let value = part[key], !value.isNull else { return nil }
        guard let integer = value.intValue, integer > 0 else {
            throw ChatInputError("\(path).\(key) must be a positive integer, not \(describe(value))")
        }
        return integer
    }

    private static func number(_ part: JSONObject, _ key: String, _ path: String, allowZero: Bool) throws -> Double? {
        guard let value = part[key], !value.isNull else { return nil }
        guard let number = value.doubleValue, number.isFinite, allowZero ? number >= 0 : number > 0 else {
            throw ChatInputError("\(path).\(key) must be a \(allowZero ? "non-negative" : "positive") number, not \(describe(value))")
        }
        return number
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .int, .double: return value.serialized(.compact)
        default: return value.typeName
        }
    }
}
