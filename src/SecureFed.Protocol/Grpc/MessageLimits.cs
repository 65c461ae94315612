namespace SecureFed.Protocol.Grpc;

/// <summary>
/// Sizes that both ends of every SecureFed gRPC channel set explicitly. A contribution can be
/// megabytes long, so it travels in chunks; no single message may exceed
/// <see cref="MaxMessageBytes"/>, and the appliance refuses a larger one before reading it.
/// </summary>
public static class MessageLimits
{
    /// <summary>Payload bytes of one streamed chunk: 64 KiB.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>
    /// The largest message either side accepts: 1 MiB, enough for a chunk with its framing and
    /// for the largest unstreamed message (the key advertisements of a round of 1000 clients).
    /// </summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>
    /// The largest message of the custodians' key ceremony: 64 MiB. An advertisement carries
    /// a public key share modulo QP (about 230 KB at N = 8192, 3.9 MB at N = 32768), and the
    /// appliance returns every custodian's in one message.
    /// </summary>
    // Limitation: ceremony messages are not streamed; sixteen custodians at N = 32768 come
    // close to this cap.
    public const int MaxCeremonyMessageBytes = 64 * 1024 * 1024;
}
