namespace SecureFed.Protocol.Masking.Messages;

/// <summary>One Shamir share that a client reveals for a neighbour in stage 5.</summary>
/// <param name="Owner">The client whose secret this is a share of.</param>
/// <param name="Kind">Which secret.</param>
/// <param name="Share">The encoded share (40 bytes).</param>
public sealed record RevealedShare(uint Owner, ShareKind Kind, byte[] Share);
