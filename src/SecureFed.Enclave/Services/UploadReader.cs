using Grpc.Core;
using SecureFed.Enclave.Rounds;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Enclave.Services;

/// <summary>
/// Reads one streamed upload: the header first, then chunks in order, into a buffer of
/// exactly the length the round expects. The length is checked against the header before
/// any data is read, and every chunk against it, so an oversized stream is refused without
/// being buffered.
/// </summary>
internal static class UploadReader
{
    /// <summary>Reads the header of an upload stream.</summary>
    /// <exception cref="RoundRejectedException">The stream is empty or starts with a chunk.</exception>
    public static async Task<UploadHeader> ReadHeaderAsync(
        IAsyncStreamReader<ContributionUpload> stream, CancellationToken cancellation)
    {
        if (!await stream.MoveNext(cancellation).ConfigureAwait(false))
        {
            throw new RoundRejectedException(RejectionReason.Invalid, "The upload is empty.");
        }

        return stream.Current.Header is { Statement: not null } header
            ? header
            : throw new RoundRejectedException(
                RejectionReason.Invalid, "An upload must start with its header and statement.");
    }

    /// <summary>Reads the chunks that follow the header into a buffer of <paramref name="length"/> bytes.</summary>
    /// <exception cref="RoundRejectedException">
    /// A chunk is out of order, the stream is longer or shorter than announced.
    /// </exception>
    public static async Task<byte[]> ReadBodyAsync(
        IAsyncStreamReader<ContributionUpload> stream, int length, CancellationToken cancellation)
    {
        var buffer = new byte[length];
        long offset = 0;
        while (await stream.MoveNext(cancellation).ConfigureAwait(false))
        {
            var chunk = stream.Current.Chunk ?? throw new RoundRejectedException(
                RejectionReason.Invalid, "Only chunks may follow an upload's header.");
            if (chunk.Offset != (ulong)offset)
            {
                throw new RoundRejectedException(
                    RejectionReason.Invalid,
                    $"A chunk starts at byte {chunk.Offset}; the next expected is byte {offset}.");
            }

            if (offset + chunk.Data.Length > length)
            {
                throw new RoundRejectedException(
                    RejectionReason.Oversized, $"The upload is longer than its {length} bytes.");
            }

            chunk.Data.Span.CopyTo(buffer.AsSpan((int)offset));
            offset += chunk.Data.Length;
        }

        return offset == length
            ? buffer
            : throw new RoundRejectedException(
                RejectionReason.WrongLength, $"The upload has {offset} of its {length} bytes.");
    }
}
