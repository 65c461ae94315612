namespace SecureFed.Protocol.Masking;

/// <summary>
/// What a client accepts from a round setup, so that a server cannot weaken the protocol by
/// choosing its parameters.
/// </summary>
/// <param name="MaxDimension">Largest input length accepted.</param>
/// <param name="MinDegree">
/// Fewest neighbours accepted (unless the round is small enough for the complete graph).
/// </param>
public sealed record MaskClientPolicy(int MaxDimension = 1 << 28, int MinDegree = 2)
{
    /// <summary>The default policy.</summary>
    public static MaskClientPolicy Default { get; } = new();
}
