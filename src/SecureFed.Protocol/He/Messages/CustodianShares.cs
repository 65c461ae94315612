namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// Custodian to appliance, ceremony round 2: the custodian's sealed shares, one for every
/// other custodian, each signed on its own so that it can be relayed alone.
/// </summary>
/// <param name="CeremonyId">The ceremony.</param>
/// <param name="CustodianId">Sender.</param>
/// <param name="Shares">One sealed share per other custodian.</param>
public sealed record CustodianShares(
    byte[] CeremonyId,
    uint CustodianId,
    IReadOnlyList<SealedKeyShare> Shares);
