/// Per-request keys of an image content part, with qwen-vl-utils `fetch_image` semantics.
public struct ImageOptions: Sendable, Equatable {
    public var minPixels: Int?
    public var maxPixels: Int?
    public var resizedHeight: Int?
    public var resizedWidth: Int?

    public init(minPixels: Int? = nil, maxPixels: Int? = nil, resizedHeight: Int? = nil, resizedWidth: Int? = nil) {
        self.minPixels = minPixels
        self.maxPixels = maxPixels
        self.resizedHeight = resizedHeight
        self.resizedWidth = resizedWidth
    }

    public var isEmpty: Bool { self == ImageOptions() }
}

/// The image half of the Qwen2-VL processor: `to_rgb` → resize → rescale/normalise → patches.
///
/// Sizes: without request keys the processor alone decides (transformers `smart_resize` with the
/// config's min/max pixels, one BICUBIC resize), as vLLM does. With request keys the image first
/// goes through `fetch_image` (qwen-vl-utils `smart_resize`, its own defaults 3136/12845056 for
/// missing keys) and then through the processor, which resizes a second time only when that size
/// falls outside the processor's own limits.
public struct Qwen2VLImageProcessor: Sendable {
    public let config: ProcessorConfig

    /// qwen-vl-utils' defaults for missing request keys: 4 and 16384 tokens of factor².
    static func fetchPixelRange(factor: Int) -> (min: Int, max: Int) { (4 * factor * factor, 16384 * factor * factor) }

    public init(config: ProcessorConfig) { self.config = config }

    /// Loads `preprocessor_config.json` from a checkpoint folder and applies server-level overrides.
    public init(modelDirectory: String, minPixels: Int? = nil, maxPixels: Int? = nil) throws {
        config = try ProcessorConfig.load(modelDirectory: modelDirectory).overriding(minPixels: minPixels, maxPixels: maxPixels)
    }

    /// The sizes (height, width) an image of `width × height` is resized through, in order; empty
    /// when it is used as is.
    public func resizeSteps(width: Int, height: Int, options: ImageOptions = ImageOptions()) throws -> [(height: Int, width: Int)] {
        var current = (height: height, width: width)
        var steps: [(height: Int, width: Int)] = []
        if !options.isEmpty {
            let fetched = try fetchSize(width: width, height: height, options: options, factor: config.factor)
            if fetched != current { steps.append(fetched) }
            current = fetched
        }
        guard config.doResize else {
            guard current.height % config.factor == 0, current.width % config.factor == 0 else {
                throw MediaError.invalidOptions(
                    "do_resize is false in preprocessor_config.json but the image is \(current.width)×\(current.height), "
                        + "not a multiple of \(config.factor)")
            }
            return steps
        }
        let processed = try SmartResize.size(
            height: current.height, width: current.width, factor: config.factor, minPixels: config.minPixels,
            maxPixels: config.maxPixels)
        if processed != current { steps.append(processed) }
        return steps
    }

    /// The grid (and so the token count) without touching pixels.
    public func grid(width: Int, height: Int, options: ImageOptions = ImageOptions()) throws -> GridTHW {
        let final = try resizeSteps(width: width, height: height, options: options).last ?? (height, width)
        return GridTHW(t: 1, h: final.height / config.patchSize, w: final.width / config.patchSize)
    }

    public func process(_ image: RGBImage, options: ImageOptions = ImageOptions()) throws -> PixelPatches {
        let steps = try resizeSteps(width: image.width, height: image.height, options: options)
        guard steps.count <= 1 else {
            let resized = steps.reduce(image) { PillowBicubic.resize($0, width: $1.width, height: $1.height) }
            return Patchifier(config: config).patches(frames: [resized])
        }
        let pipeline = pipeline(width: image.width, height: image.height, target: steps.last ?? (image.height, image.width))
        return try pipeline.patches { out in
            try image.pixels.withUnsafeBufferPointer { pixels in
                guard let base = pixels.baseAddress else { return }
                try pipeline.run(pixels: UnsafeMutablePointer(mutating: base), into: out, produce: nil)
            }
        }
    }

    /// Decodes (with `limits`) and processes encoded image bytes. With at most one resize, decoding,
    /// resizing and patch writing overlap across the cores (`ImagePipeline`).
    public func process(encoded: [UInt8], options: ImageOptions = ImageOptions(), limits: MediaLimits = .default) throws
        -> PixelPatches
    {
        try withPipeline(encoded: encoded, options: options, limits: limits) { pipeline, run in
            try pipeline.patches(run)
        } twoSteps: { image in
            try process(image, options: options)
        }
    }

    /// The same, writing the patches into caller-owned memory (for example a reused, pinned staging
    /// buffer), which must hold `grid.patchCount × config.rowLength` floats; use `grid(width:height:)`
    /// on the header to size it. Returns the grid.
    public func process(
        encoded: [UInt8], options: ImageOptions = ImageOptions(), limits: MediaLimits = .default,
        into destination: UnsafeMutableBufferPointer<Float>
    ) throws -> GridTHW {
        try withPipeline(encoded: encoded, options: options, limits: limits) { pipeline, run in
            let grid = pipeline.grid
            guard let base = destination.baseAddress, destination.count >= grid.patchCount * config.rowLength else {
                throw MediaError.invalidOptions(
                    "the destination holds \(destination.count) floats, \(grid.patchCount * config.rowLength) are needed")
            }
            try run(base)
            return grid
        } twoSteps: { image in
            let patches = try process(image, options: options)
            guard let base = destination.baseAddress, destination.count >= patches.values.count else {
                throw MediaError.invalidOptions(
                    "the destination holds \(destination.count) floats, \(patches.values.count) are needed")
            }
            patches.values.withUnsafeBufferPointer { values in
                if let source = values.baseAddress { base.update(from: source, count: values.count) }
            }
            return patches.grid
        }
    }

    /// Opens `encoded` and hands `single` a pipeline and a function that runs it into a patch
    /// matrix; inputs that need two resizes (request keys plus processor limits) go to `twoSteps`
    /// decoded.
    private func withPipeline<T>(
        encoded: [UInt8], options: ImageOptions, limits: MediaLimits,
        single: (ImagePipeline, (UnsafeMutablePointer<Float>) throws -> Void) throws -> T,
        twoSteps: (RGBImage) throws -> T
    ) throws -> T {
        try encoded.withUnsafeBytes { data in
            let decoder = try ImageDecoder.open(data, limits: limits)
            let (width, height) = (decoder.header.width, decoder.header.height)
            let steps = try resizeSteps(width: width, height: height, options: options)
            guard steps.count <= 1 else {
                return try twoSteps(try RGBImage(width: width, height: height) { try decoder.decode(into: $0, rowDone: { _ in }) })
            }
            let pipeline = pipeline(width: width, height: height, target: steps.last ?? (height, width))
            return try DecodeBufferPool.shared.with(count: width * height * 3) { pixels in
                try single(pipeline) { out in
                    try pipeline.run(pixels: pixels, into: out) { rgb, rowDone in try decoder.decode(into: rgb, rowDone: rowDone) }
                }
            }
        }
    }

    private func pipeline(width: Int, height: Int, target: (height: Int, width: Int)) -> ImagePipeline {
        ImagePipeline(
            width: width, height: height, outWidth: target.width, outHeight: target.height,
            patchifier: Patchifier(config: config))
    }

    /// qwen-vl-utils `fetch_image` sizing for a content part with request keys, at `factor`
    /// (28 for images; `fetch_video` passes 56 for frame lists).
    func fetchSize(width: Int, height: Int, options: ImageOptions, factor: Int) throws -> (height: Int, width: Int) {
        for (name, value) in [
            ("min_pixels", options.minPixels), ("max_pixels", options.maxPixels),
            ("resized_height", options.resizedHeight), ("resized_width", options.resizedWidth),
        ] {
            if let value, value <= 0 { throw MediaError.invalidOptions("\(name) must be positive, got \(value)") }
        }
        let defaults = Self.fetchPixelRange(factor: factor)
        switch (options.resizedHeight, options.resizedWidth) {
        case let (h?, w?):
            return try SmartResize.size(
                height: h, width: w, factor: factor, minPixels: defaults.min, maxPixels: defaults.max, variant: .qwenVLUtils)
        case (nil, nil):
            let minPixels = options.minPixels ?? defaults.min
            let maxPixels = options.maxPixels ?? defaults.max
            guard minPixels <= maxPixels else {
                throw MediaError.invalidOptions("min_pixels (\(minPixels)) must not exceed max_pixels (\(maxPixels))")
            }
            return try SmartResize.size(
                height: height, width: width, factor: factor, minPixels: minPixels, maxPixels: maxPixels,
                variant: .qwenVLUtils)
        default:
            throw MediaError.invalidOptions("resized_height and resized_width must be given together")
        }
    }
}
