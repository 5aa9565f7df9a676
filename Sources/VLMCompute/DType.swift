/// Element types a tensor can hold. Weights are stored bf16/f16/f32; activations are f32 on the CPU
/// backend; index tensors (token ids, slots, block tables, segment offsets) are i32 on every backend.
public enum DType: String, Sendable, CaseIterable {
    case bf16, f16, f32, i32

    public var byteSize: Int {
        switch self {
        case .bf16, .f16: return 2
        case .f32, .i32: return 4
        }
    }

    public var isFloatingPoint: Bool { self != .i32 }
}

/// bf16 ↔ f32 by bit operations (bf16 is the upper half of an f32).
public enum BFloat16 {
    @inline(__always)
    public static func toFloat(_ bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Round to nearest, ties to even (torch's `.to(torch.bfloat16)`); NaN stays a quiet NaN.
    @inline(__always)
    public static func fromFloat(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: (bits >> 16) | 0x0040) }
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }
}

/// IEEE half ↔ f32 (Swift's Float16 does the rounding).
public enum Half {
    @inline(__always)
    public static func toFloat(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

    @inline(__always)
    public static func fromFloat(_ value: Float) -> UInt16 { Float16(value).bitPattern }
}
