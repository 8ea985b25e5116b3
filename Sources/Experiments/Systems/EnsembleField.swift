import ODE

/// The members of an ensemble as one system: `members.count` states of `dimension` components
/// each (member-major), every member evaluated by its own field (its own parameters). An adaptive
/// solve of it takes one step shared by every member, its error norm over the whole ensemble.
struct EnsembleField<Member: VectorField>: VectorField where Member.Scalar == Double {
    /// Each member's field.
    let members: [Member]
    /// Components of one member.
    let memberDimension: Int

    /// Creates the system; every member has the first member's dimension.
    init(members: [Member]) {
        self.members = members
        memberDimension = members.first?.dimension ?? 0
    }

    /// `members × memberDimension` components.
    var dimension: Int { members.count * memberDimension }

    /// Evaluates every member on its own slice of the state (no allocation).
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        let d = memberDimension
        guard state.count >= dimension, derivative.count >= dimension else { return }
        for (index, member) in members.enumerated() {
            let range = index * d..<(index + 1) * d
            member.evaluate(t: t, state: UnsafeBufferPointer(rebasing: state[range]),
                            derivative: UnsafeMutableBufferPointer(rebasing: derivative[range]))
        }
    }
}
