namespace SecureFed.Protocol.Masking.Messages;

/// <summary>
/// Client to server, stage 3: the input plus its self mask and pairwise masks modulo 2^b,
/// bit-packed to b bits per coordinate.
/// </summary>
/// <param name="Round">Round number.</param>
/// <param name="ClientId">Sender.</param>
/// <param name="SessionId">Session id.</param>
/// <param name="PackedVector">The masked vector, see <see cref="PackedVector"/>.</param>
public sealed record MaskedInput(ulong Round, uint ClientId, byte[] SessionId, byte[] PackedVector);
