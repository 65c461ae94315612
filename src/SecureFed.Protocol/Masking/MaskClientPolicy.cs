namespace SecureFed.Protocol.Masking;

/// <summary>
/// What a client accepts from a round setup, so that a server cannot weaken the protocol by
/// choosing its parameters.
/// </summary>
/// <param name="MaxDimension">Largest input length accepted.</param>
/// <param name="MinDegree">
/// Fewest neighbours accepted (unless the round is small enough for the complete graph).
/// </param>
/// <param name="MinSurvivors">
/// Fewest survivors (clients whose masked inputs are in the sum) for which the client helps
/// to unmask: the round's <c>min_clients</c> as the client accepted it, since its own budget
/// counts on that many noise shares in the sum. A setup with fewer participants, and a
/// survivor set with fewer members, are refused. 0 sets no bound beyond the threshold.
/// </param>
public sealed record MaskClientPolicy(int MaxDimension = 1 << 28, int MinDegree = 2, int MinSurvivors = 0)
{
    /// <summary>The default policy.</summary>
    public static MaskClientPolicy Default { get; } = new();
}
