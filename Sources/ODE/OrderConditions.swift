/// The order conditions of Runge–Kutta methods, checked over rooted trees: a method has order p
/// when `Σ b_i Φ_i(τ) = 1/γ(τ)` for every rooted tree τ with at most p vertices (Butcher, *J.
/// Austral. Math. Soc.* 3, 1963; Hairer, Nørsett & Wanner, *Solving ODEs I*, §II.2).
public enum OrderConditions {
    /// A rooted tree as the sorted list of its subtrees' indices in the enumeration.
    struct Tree {
        var children: [Int]
        var order: Int
        var density: Double
    }

    /// All rooted trees with at most `maximumOrder` vertices (1, 1, 2, 4, 9, 20, 48, 115, ...).
    static func trees(upTo maximumOrder: Int) -> [Tree] {
        var trees = [Tree(children: [], order: 1, density: 1)]
        guard maximumOrder >= 2 else { return trees }
        for order in 2...maximumOrder {
            // Forests (multisets of existing trees, as non-decreasing index lists) of total order order-1.
            var forests = [[Int]]()
            func extend(_ forest: [Int], remaining: Int, from start: Int) {
                if remaining == 0 {
                    forests.append(forest)
                    return
                }
                for index in start..<trees.count where trees[index].order <= remaining {
                    extend(forest + [index], remaining: remaining - trees[index].order, from: index)
                }
            }
            extend([], remaining: order - 1, from: 0)
            for forest in forests {
                let density = Double(order) * forest.reduce(1.0) { $0 * trees[$1].density }
                trees.append(Tree(children: forest, order: order, density: density))
            }
        }
        return trees
    }

    /// The largest residual `|bᵀ Φ(τ) − 1/γ(τ)|` over trees of each order 1...`maximumOrder`,
    /// for the weights `weights` (b, or the embedded weights).
    public static func residuals(of tableau: ButcherTableau, weights: [Double], upTo maximumOrder: Int) -> [Double] {
        let s = tableau.stages
        let trees = trees(upTo: maximumOrder)
        var stageWeights = [[Double]]()  // g(τ)_i = Π_children (A g(child))_i
        var worst = [Double](repeating: 0, count: maximumOrder)
        for tree in trees {
            var g = [Double](repeating: 1, count: s)
            for child in tree.children {
                let inner = stageWeights[child]
                for i in 0..<s {
                    var sum = 0.0
                    for j in 0..<i { sum += tableau.a[i][j] * inner[j] }
                    g[i] *= sum
                }
            }
            stageWeights.append(g)
            var phi = 0.0
            for i in 0..<s { phi += weights[i] * g[i] }
            worst[tree.order - 1] = max(worst[tree.order - 1], abs(phi - 1 / tree.density))
        }
        return worst
    }

    /// The highest order whose conditions (and all lower ones) hold to `tolerance`.
    public static func order(of tableau: ButcherTableau, weights: [Double], checkingUpTo maximumOrder: Int, tolerance: Double = 1e-12) -> Int {
        let worst = residuals(of: tableau, weights: weights, upTo: maximumOrder)
        return worst.firstIndex { $0 > tolerance } ?? maximumOrder
    }
}
