/// Makes mutants of seed notebooks: one to four mutations each, chosen and placed by a seeded
/// generator (SplitMix64), so that a run is reproducible from its seed.
struct Mutator {
    private var state: UInt64
    private let seeds: [[UInt8]]
    private let maximumSize: Int

    /// Pieces of the notebook format, inserted whole: fences, front matter, YAML syntax,
    /// expressions, math, paths and numbers at their edges.
    static let dictionary: [String] = [
        "```{ode}\n", "```{species}\n", "```{spiral}\n", "```{latent-ode}\n", "```\n", "````\n", "```{", "}\n", "---\n",
        "title: x\n", "seed: 3\n", "sweep: {steps: [1, 2, 3]}\n", "sweep_mode: zip\n", "sweep: [1]\n",
        "equations: {x: ", "initial: {x: 1}\n", "params: {k: 2}\n", "t_end: ", "t_start: ", "h: ", "steps: ", "max_steps: ",
        "rtol: ", "atol: ", "t_eval: [", "save_every: ", "plot: [phase]\n", "plot: []\n", "compare: [euler, rk4]\n",
        "solver: rodas4\n", "solver: dop853\n", "fit:\n  lr: ", "  epochs: ", "  optimizer: lbfgs\n", "data: {csv: data/species-observations.csv}\n",
        "data: {t: [0, 1], x1: [1, 2]}\n", "hidden: [", "iterations: ", "nspiral: ", "ntotal: ", "nsample: ", "id: ", "caption: ",
        "timeout: ", "cache: ", "$$", "$", "\\$", "\\", "{{", "}}", "*a", "&a ", "[", "]", "{", "}", ": ", "- ", ", ", "? ", "|\n", ">\n",
        "\t", "\r\n", "\r", "\u{0}", "\u{FEFF}", "\u{E000}", "\u{1B}[2J", "\u{202E}", "é", "😀",
        "1e308", "-1e308", "1e-320", "-1", "0", "nan", "inf", ".inf", "999999999999999999999", "0x10", "1_000",
        "sin(", "exp(", "log(", "sqrt(", "pow(", "min(", "^", "^-", "/0", "((((((((", "))))", "x^x^x^x^x^x", "-(-(-(", "t*",
        "![x](", "](", "../", "%2e%2e/", "/etc/passwd", "data/", "#", "# a\n", "## b\n", "<script>", "<img src=x onerror=1>",
        "|---|\n", "| a | b |\n", "- [ ] task\n", "> quote\n", "    indented\n", "~~~\n", "~~~{ode}\n", "\n\n",
    ]

    init(seed: UInt64, seeds: [[UInt8]], maximumSize: Int) {
        state = seed &+ 0x9E37_79B9_7F4A_7C15
        self.seeds = seeds
        self.maximumSize = maximumSize
    }

    private mutating func random() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(random() % UInt64(bound)) }

    /// The next mutant.
    mutating func next() -> [UInt8] {
        var bytes = seeds[below(seeds.count)]
        for _ in 0...below(4) { mutate(&bytes) }
        if bytes.count > maximumSize { bytes.removeLast(bytes.count - maximumSize) }
        return bytes
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        let position = below(bytes.count + 1)
        switch below(10) {
        case 0 where !bytes.isEmpty:
            bytes[below(bytes.count)] ^= UInt8(1 << below(8))
        case 1 where !bytes.isEmpty:
            bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: random())
        case 2, 3:
            bytes.insert(contentsOf: Array(Self.dictionary[below(Self.dictionary.count)].utf8), at: position)
        case 4 where !bytes.isEmpty:
            let length = min(1 + below(64), bytes.count - min(position, bytes.count - 1))
            let start = min(position, bytes.count - 1)
            bytes.removeSubrange(start..<min(bytes.count, start + length))
        case 5 where !bytes.isEmpty:
            // A span repeated many times: long lines, many blocks, many headings.
            let start = below(bytes.count)
            let span = Array(bytes[start..<min(bytes.count, start + 1 + below(128))])
            let times = 1 + below(below(4) == 0 ? 2000 : 20)
            bytes.insert(contentsOf: Array(repeating: span, count: times).joined(), at: start)
        case 6:
            // A splice of another seed's span.
            let other = seeds[below(seeds.count)]
            guard !other.isEmpty else { return }
            let start = below(other.count)
            bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + below(512))], at: position)
        case 7:
            // Deep nesting of one piece.
            let pieces = ["(", "-(", "sin(", "[", "{", "$", "> ", "- ", "  ", "*"]
            let piece = pieces[below(pieces.count)]
            bytes.insert(contentsOf: Array(String(repeating: piece, count: 1 + below(3000)).utf8), at: position)
        case 8 where !bytes.isEmpty:
            bytes.removeLast(below(bytes.count))
        default:
            bytes.insert(contentsOf: Array(Self.dictionary[below(Self.dictionary.count)].utf8), at: position)
        }
    }
}
