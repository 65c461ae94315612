namespace SecureFed.Client.State;

/// <summary>
/// What an enrolled participant remembers about its federation (<c>participant.json</c>).
/// Nothing here is secret: the signing key lives in its own file, and the TLS key's path is
/// recorded, not its contents.
/// </summary>
/// <param name="Enclave">The appliance's address, https://host:port.</param>
/// <param name="FederationId">The federation's 16-byte id, lower-case hex.</param>
/// <param name="ParticipantId">The id the appliance assigned at enrollment.</param>
/// <param name="Role">client or custodian.</param>
/// <param name="Name">The participant's name, as its certificate states it.</param>
/// <param name="LedgerPublicKey">The appliance's Ed25519 ledger key, hex, as seen at
/// enrollment; receipts are checked against it.</param>
/// <param name="Certificate">The TLS certificate (PEM), copied into the state folder.</param>
/// <param name="Key">The TLS private key (PEM, mode 0600), copied into the state folder.</param>
/// <param name="CaCertificate">The federation CA's certificate (PEM), copied in.</param>
public sealed record ParticipantState(
    string Enclave,
    string FederationId,
    uint ParticipantId,
    string Role,
    string Name,
    string LedgerPublicKey,
    string Certificate,
    string Key,
    string CaCertificate);
