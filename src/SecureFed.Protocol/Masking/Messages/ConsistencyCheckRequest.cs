namespace SecureFed.Protocol.Masking.Messages;

/// <summary>
/// Server to every client whose masked input arrived, stage 4: the survivor set, for the
/// client to sign.
/// </summary>
/// <param name="Round">Round number.</param>
/// <param name="SessionId">Session id.</param>
/// <param name="Survivors">Clients whose masked input is in the sum, ascending.</param>
public sealed record ConsistencyCheckRequest(ulong Round, byte[] SessionId, IReadOnlyList<uint> Survivors);
