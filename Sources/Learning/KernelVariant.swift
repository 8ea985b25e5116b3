import CKernels

/// Which build of the single-precision batch kernels this processor runs.
public enum KernelVariant {
    /// `x86-64-v3` (AVX2 and FMA) or `baseline`, chosen when the program starts.
    public static var current: String { String(cString: ck_variant()) }
}
