/// The anchors of a page, made unique as GitHub makes heading anchors: the second `intro` is
/// `intro-1`, the third `intro-2`, skipping names already taken. Each base name remembers the
/// next counter to try, so a page of many equal headings costs time in proportion to their number.
struct AnchorNames {
    private var taken = Set<String>()
    private var nextCounter = [String: Int]()

    /// Takes `name` as it is (a block id).
    mutating func reserve(_ name: String) {
        taken.insert(name)
    }

    /// `base`, or `base-N` with the smallest N not yet taken (counting on from the last one given
    /// for `base`), now taken.
    mutating func unique(_ base: String) -> String {
        guard taken.contains(base) else {
            taken.insert(base)
            return base
        }
        var counter = nextCounter[base, default: 1]
        var candidate = "\(base)-\(counter)"
        while taken.contains(candidate) {
            counter += 1
            candidate = "\(base)-\(counter)"
        }
        nextCounter[base] = counter + 1
        taken.insert(candidate)
        return candidate
    }
}
