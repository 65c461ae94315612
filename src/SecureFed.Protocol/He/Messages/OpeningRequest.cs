namespace SecureFed.Protocol.He.Messages;

/// <summary>
/// Custodian to appliance: open these chunks of every named contributor's contribution to
/// the round whose decryption is pending.
/// </summary>
/// <param name="Round">The round being decrypted.</param>
/// <param name="Clients">The contributors, each named in the request's evidence.</param>
/// <param name="ChunkIndices">The chunks wanted of each contribution, ascending.</param>
public sealed record OpeningRequest(
    ulong Round,
    IReadOnlyList<uint> Clients,
    IReadOnlyList<int> ChunkIndices);
