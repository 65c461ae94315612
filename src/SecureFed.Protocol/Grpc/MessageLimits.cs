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
}
