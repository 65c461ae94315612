namespace SecureFed.Protocol.Masking.Messages;

/// <summary>
/// Server to every selected client: the parameters of one mask-mode round. Its hash is
/// signed into every key advertisement, so that all clients agree on it.
/// </summary>
/// <param name="Round">Round number within the federation.</param>
/// <param name="RoundNonce">32 fresh random bytes that make this round's setup unique.</param>
/// <param name="Dimension">Length of each client's input vector.</param>
/// <param name="Bits">Inputs and the sum live modulo 2^Bits.</param>
/// <param name="Degree">Neighbours per client (k).</param>
/// <param name="Threshold">Shamir threshold (t).</param>
/// <param name="Participants">The selected clients' ids, ascending.</param>
/// <param name="GraphSeed">32 bytes that fix the shuffled order of the Harary graph.</param>
public sealed record MaskRoundSetup(
    ulong Round,
    byte[] RoundNonce,
    int Dimension,
    int Bits,
    int Degree,
    int Threshold,
    IReadOnlyList<uint> Participants,
    byte[] GraphSeed);
