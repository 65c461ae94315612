namespace SecureFed.Protocol.Audit;

/// <summary>What a round.closed entry, and the round.opened before it, say about a round.</summary>
/// <param name="Entry">The round.closed entry's index.</param>
/// <param name="Round">The round.</param>
/// <param name="Contributors">The clients whose contributions are in the aggregate.</param>
/// <param name="AggregateSha256">SHA-256 of the aggregate clients download.</param>
/// <param name="SumSha256">SHA-256 of the sum in the protection domain; null in entries
/// written before the appliance kept it.</param>
/// <param name="UnmaskingSha256">Mask mode: SHA-256 of the unmasking evidence; else null.</param>
/// <param name="Dimension">The round's dimension, from round.opened, or 0 when unknown.</param>
/// <param name="Bits">The round's width b, from round.opened, or 0 when unknown.</param>
/// <param name="HasDp">True when round.opened set distributed DP, so that the aggregate is a
/// decoded average rather than the sum itself.</param>
internal sealed record ClosedRound(
    long Entry,
    ulong Round,
    IReadOnlyList<uint> Contributors,
    byte[] AggregateSha256,
    byte[]? SumSha256,
    byte[]? UnmaskingSha256,
    int Dimension,
    int Bits,
    bool HasDp);
