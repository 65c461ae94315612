namespace SecureFed.Protocol.Masking;

/// <summary>The outcome of a mask-mode round.</summary>
/// <param name="Sum">The sum of the survivors' inputs modulo 2^b.</param>
/// <param name="Survivors">Clients whose inputs are in the sum, ascending.</param>
/// <param name="DroppedAfterSharing">
/// Clients that shared keys but sent no masked input; their pairwise masks were removed.
/// </param>
public sealed record MaskRoundResult(
    ulong[] Sum,
    IReadOnlyList<uint> Survivors,
    IReadOnlyList<uint> DroppedAfterSharing)
{
    /// <summary>
    /// The seeds of the masks the server stripped, when it was asked to keep them
    /// (<see cref="MaskServer.KeepUnmaskingEvidence"/>); the receiver disposes them.
    /// </summary>
    public UnmaskingEvidence? Unmasking { get; init; }
}
