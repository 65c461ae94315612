namespace SecureFed.Protocol.Audit;

/// <summary>
/// The epsilon a round's ledger entries claim next to what the auditor's own accountant
/// gives, both cumulative over the federation at its delta.
/// </summary>
/// <param name="Round">The round number.</param>
/// <param name="Dp">Whether the round has distributed DP noise (a round without it spends none).</param>
/// <param name="Outcome"><c>closed</c>, <c>aborted</c> or <c>open</c> (still running at export).</param>
/// <param name="ClaimedIfCompleted">round.opened's <c>epsilon_if_completed</c>.</param>
/// <param name="RecomputedIfCompleted">
/// The same bound recomputed: every earlier completed round plus this one charged with only
/// its minimum of clients, the fewest noise shares its sum may hold.
/// </param>
/// <param name="Contributors">Distinct contributors round.closed lists; null unless closed.</param>
/// <param name="ClaimedSpent">round.closed's <c>epsilon_spent</c>; null unless closed.</param>
/// <param name="RecomputedSpent">
/// Epsilon recomputed after the round: for a closed round with its actual noise shares, for
/// an aborted or open one unchanged from before it.
/// </param>
public sealed record RoundEpsilon(
    ulong Round,
    bool Dp,
    string Outcome,
    double ClaimedIfCompleted,
    double RecomputedIfCompleted,
    int? Contributors,
    double? ClaimedSpent,
    double RecomputedSpent);
