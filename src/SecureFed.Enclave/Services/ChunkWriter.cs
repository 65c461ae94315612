using Google.Protobuf;
using Grpc.Core;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Enclave.Services;

/// <summary>Streams a byte array as <see cref="Chunk"/> messages of <see cref="MessageLimits.ChunkSize"/>.</summary>
internal static class ChunkWriter
{
    public static async Task WriteAsync(
        IServerStreamWriter<Chunk> stream, ReadOnlyMemory<byte> data, CancellationToken cancellation)
    {
        for (int offset = 0; offset < data.Length; offset += MessageLimits.ChunkSize)
        {
            int length = Math.Min(MessageLimits.ChunkSize, data.Length - offset);
            await stream.WriteAsync(
                new Chunk
                {
                    Offset = (ulong)offset,
                    Data = ByteString.CopyFrom(data.Span.Slice(offset, length)),
                },
                cancellation).ConfigureAwait(false);
        }
    }
}
