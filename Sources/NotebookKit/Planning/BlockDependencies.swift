import Experiments
import Expressions
import Foundation

/// The order blocks must run in when some read others' tables (`data: {block: ID}`), and the
/// problems that make an order impossible: a reference to a block the notebook does not have, and
/// blocks that read each other in a cycle.
enum BlockDependencies {
    /// The problems of `blocks` (one notebook's, or one sweep point's), each at the line of the
    /// `block:` key that causes it.
    static func problems(_ blocks: [ExperimentBlock], file: String) -> [Diagnostic] {
        let ids = blocks.map(\.id)
        var diagnostics = [Diagnostic]()
        for block in blocks {
            for input in block.inputs where !ids.contains(input.reference.block) {
                diagnostics.append(Diagnostic(file: file, line: block.options.position(of: "\(input.option).block").line,
                    message: "block '\(block.id)' reads '\(input.option)' from block '\(input.reference.block)', which is not in the notebook"
                        + Suggestion.didYouMean(input.reference.block, in: ids)))
            }
        }
        guard diagnostics.isEmpty else { return diagnostics }
        if let cycle = cycle(in: blocks) {
            let first = blocks[cycle[0]]
            let names = (cycle + [cycle[0]]).map { "'\(blocks[$0].id)'" }.joined(separator: " → ")
            let option = first.inputs.first { $0.reference.block == blocks[cycle.count > 1 ? cycle[1] : cycle[0]].id }?.option ?? "data"
            diagnostics.append(Diagnostic(file: file, line: first.options.position(of: "\(option).block").line,
                message: cycle.count == 1
                    ? "block '\(first.id)' reads '\(option)' from itself; a block can only read tables that other blocks write"
                    : "blocks read each other's tables in a cycle: \(names); one of them must not read the other"))
        }
        return diagnostics
    }

    /// For each block, the indices of the blocks it reads (references to missing blocks left out).
    static func inputs(of blocks: [ExperimentBlock]) -> [[Int]] {
        var index = [String: Int]()
        for (position, block) in blocks.enumerated() { index[block.id] = index[block.id] ?? position }
        return blocks.map { block in block.inputBlocks.compactMap { index[$0] } }
    }

    /// The blocks in an order where each comes after the blocks it reads, otherwise in document
    /// order (the first block that is ready goes first); `nil` when they form a cycle.
    static func order(_ blocks: [ExperimentBlock]) -> [Int]? {
        let inputs = inputs(of: blocks)
        var done = [Bool](repeating: false, count: blocks.count)
        var order = [Int]()
        while order.count < blocks.count {
            guard let next = blocks.indices.first(where: { !done[$0] && inputs[$0].allSatisfy { done[$0] } }) else { return nil }
            done[next] = true
            order.append(next)
        }
        return order
    }

    /// A cycle among the blocks, as indices in reading order starting from its block earliest in
    /// the document (each reads the next, the last reads the first); `nil` when there is none.
    static func cycle(in blocks: [ExperimentBlock]) -> [Int]? {
        let inputs = inputs(of: blocks)
        // 0: not visited, 1: on the current path, 2: finished.
        var state = [Int](repeating: 0, count: blocks.count)
        var path = [Int]()
        func visit(_ node: Int) -> [Int]? {
            state[node] = 1
            path.append(node)
            for next in inputs[node] {
                if state[next] == 1 {
                    let loop = Array(path[path.firstIndex(of: next)!...])
                    let start = loop.indices.min { loop[$0] < loop[$1] }!
                    return Array(loop[start...] + loop[..<start])
                }
                if state[next] == 0, let found = visit(next) { return found }
            }
            path.removeLast()
            state[node] = 2
            return nil
        }
        for node in blocks.indices where state[node] == 0 {
            if let found = visit(node) { return found }
        }
        return nil
    }
}
