#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import VLMJSON

/// The settings of a checkpoint's `preprocessor_config.json` that decide pixel values, read as
/// transformers 5.24 reads them: old keys `min_pixels`/`max_pixels` override the newer
/// `size.shortest_edge`/`size.longest_edge`; missing keys take `Qwen2VLImageProcessor` defaults.
public struct ProcessorConfig: Sendable, Equatable {
    public var minPixels: Int
    public var maxPixels: Int
    public var patchSize: Int
    public var temporalPatchSize: Int
    public var mergeSize: Int
    public var imageMean: [Double]
    public var imageStd: [Double]
    public var rescaleFactor: Double
    public var doResize: Bool
    public var doRescale: Bool
    public var doNormalize: Bool

    public static let clipMean = [0.48145466, 0.4578275, 0.40821073]
    public static let clipStd = [0.26862954, 0.26130258, 0.27577711]

    /// transformers' class defaults (not what official checkpoints use: they say 3136...12845056).
    public init(
        minPixels: Int = 56 * 56, maxPixels: Int = 28 * 28 * 1280, patchSize: Int = 14, temporalPatchSize: Int = 2,
        mergeSize: Int = 2, imageMean: [Double] = ProcessorConfig.clipMean, imageStd: [Double] = ProcessorConfig.clipStd,
        rescaleFactor: Double = 1.0 / 255.0, doResize: Bool = true, doRescale: Bool = true, doNormalize: Bool = true
    ) {
        self.minPixels = minPixels
        self.maxPixels = maxPixels
        self.patchSize = patchSize
        self.temporalPatchSize = temporalPatchSize
        self.mergeSize = mergeSize
        self.imageMean = imageMean
        self.imageStd = imageStd
        self.rescaleFactor = rescaleFactor
        self.doResize = doResize
        self.doRescale = doRescale
        self.doNormalize = doNormalize
    }

    /// Side length every resized image is a multiple of (28).
    public var factor: Int { patchSize * mergeSize }
    /// Floats per patch row: channels × temporal patch × patch² (1176).
    public var rowLength: Int { 3 * temporalPatchSize * patchSize * patchSize }

    /// Reads `<directory>/preprocessor_config.json`.
    public static func load(modelDirectory: String) throws -> ProcessorConfig {
        let path = modelDirectory.hasSuffix("/") ? modelDirectory + "preprocessor_config.json"
            : modelDirectory + "/preprocessor_config.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MediaError.invalidProcessorConfig("cannot read \(path): the model folder needs a preprocessor_config.json")
        }
        let json: JSONValue
        do { json = try JSONParser.parse([UInt8](data)) } catch {
            throw MediaError.invalidProcessorConfig("\(path): \(error)")
        }
        return try ProcessorConfig(json: json)
    }

    public init(json: JSONValue) throws {
        guard json.objectValue != nil else { throw MediaError.invalidProcessorConfig("the top level must be an object") }
        func int(_ value: JSONValue?, _ key: String) throws -> Int? {
            guard let value, !value.isNull else { return nil }
            guard let n = value.intValue, n > 0 else { throw MediaError.invalidProcessorConfig("\(key) must be a positive integer") }
            return n
        }
        func bool(_ key: String) throws -> Bool? {
            guard let value = json[key], !value.isNull else { return nil }
            guard let b = value.boolValue else { throw MediaError.invalidProcessorConfig("\(key) must be true or false") }
            return b
        }
        func triple(_ key: String) throws -> [Double]? {
            guard let value = json[key], !value.isNull else { return nil }
            if let number = value.doubleValue { return [number, number, number] }
            guard let items = value.arrayValue?.compactMap(\.doubleValue), items.count == 3 else {
                throw MediaError.invalidProcessorConfig("\(key) must be a number or a list of 3 numbers")
            }
            return items
        }
        self.init()
        if let size = json["size"], !size.isNull {
            minPixels = try int(size["shortest_edge"], "size.shortest_edge") ?? minPixels
            maxPixels = try int(size["longest_edge"], "size.longest_edge") ?? maxPixels
        }
        minPixels = try int(json["min_pixels"], "min_pixels") ?? minPixels
        maxPixels = try int(json["max_pixels"], "max_pixels") ?? maxPixels
        patchSize = try int(json["patch_size"], "patch_size") ?? patchSize
        temporalPatchSize = try int(json["temporal_patch_size"], "temporal_patch_size") ?? temporalPatchSize
        mergeSize = try int(json["merge_size"], "merge_size") ?? mergeSize
        imageMean = try triple("image_mean") ?? imageMean
        imageStd = try triple("image_std") ?? imageStd
        if let factor = json["rescale_factor"], !factor.isNull {
            guard let value = factor.doubleValue else { throw MediaError.invalidProcessorConfig("rescale_factor must be a number") }
            rescaleFactor = value
        }
        doResize = try bool("do_resize") ?? doResize
        doRescale = try bool("do_rescale") ?? doRescale
        doNormalize = try bool("do_normalize") ?? doNormalize
        if let resample = json["resample"], !resample.isNull, resample.intValue != 3 {
            throw MediaError.invalidProcessorConfig("resample must be 3 (PIL bicubic); other filters are not supported")
        }
        guard imageStd.allSatisfy({ $0 != 0 }) else { throw MediaError.invalidProcessorConfig("image_std must not contain 0") }
    }

    /// Applies server-level overrides (`--mm-processor-kwargs min_pixels/max_pixels`).
    public func overriding(minPixels: Int?, maxPixels: Int?) throws -> ProcessorConfig {
        var copy = self
        copy.minPixels = minPixels ?? self.minPixels
        copy.maxPixels = maxPixels ?? self.maxPixels
        guard copy.minPixels > 0, copy.maxPixels > 0, copy.minPixels <= copy.maxPixels else {
            throw MediaError.invalidOptions(
                "min_pixels (\(copy.minPixels)) and max_pixels (\(copy.maxPixels)) must be positive with min_pixels ≤ max_pixels")
        }
        return copy
    }
}
