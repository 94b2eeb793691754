/// Which members sample the model after a fit (algorithm spec §3.4 item 7): the `count` with the lowest
/// weighted holdout loss.
public enum EliteSelection {
    /// The indices of the `count` lowest losses, in ascending member order. Ties go to the lower index; a NaN
    /// loss counts as worse than any number, so a diverged member is chosen only if there is no other.
    public static func lowest(_ count: Int, of losses: [Float]) -> [Int] {
        precondition(count >= 1 && count <= losses.count, "choose \(count) elites of \(losses.count) members")
        let ranked = losses.indices.sorted { a, b in
            let (la, lb) = (losses[a].isNaN ? Float.infinity : losses[a], losses[b].isNaN ? Float.infinity : losses[b])
            return la != lb ? la < lb : a < b
        }
        return ranked.prefix(count).sorted()
    }
}
