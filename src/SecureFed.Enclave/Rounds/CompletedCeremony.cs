using SecureFed.Protocol.He.Messages;

namespace SecureFed.Enclave.Rounds;

/// <summary>The outcome of the custodians' key ceremony that HE rounds encrypt under.</summary>
/// <param name="CeremonyId">The ceremony's 32-byte id.</param>
/// <param name="PublicKey">The collective public key, serialized.</param>
/// <param name="Hash">SHA-256 of <paramref name="PublicKey"/>.</param>
/// <param name="CustodianIds">The committee.</param>
/// <param name="Threshold">How many custodians decrypt.</param>
/// <param name="Setup">The whole ceremony setup, from which the setup hash is computed.</param>
/// <param name="Confirmations">
/// Every custodian's signed confirmation of <paramref name="Hash"/>; empty for a ceremony
/// completed before the appliance kept them (clients refuse such a key).
/// </param>
public sealed record CompletedCeremony(
    byte[] CeremonyId,
    byte[] PublicKey,
    byte[] Hash,
    IReadOnlyList<uint> CustodianIds,
    int Threshold,
    CeremonySetup Setup,
    IReadOnlyList<CustodianKeyConfirmation> Confirmations);
