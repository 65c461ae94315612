namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// Appliance to custodian: decrypt this round's aggregate together with exactly t chosen
/// custodians, with the signed contributions it sums as evidence.
/// </summary>
/// <param name="CeremonyId">The ceremony whose key the aggregate is encrypted under.</param>
/// <param name="Round">The round.</param>
/// <param name="Aggregate">The aggregate's ciphertexts, in CkksSerializer's format.</param>
/// <param name="Participants">The t custodians asked to decrypt.</param>
/// <param name="Evidence">One signed contribution statement per contributing client.</param>
public sealed record DecryptionRequest(
    byte[] CeremonyId,
    ulong Round,
    IReadOnlyList<byte[]> Aggregate,
    IReadOnlyList<uint> Participants,
    IReadOnlyList<ContributionEvidence> Evidence);
