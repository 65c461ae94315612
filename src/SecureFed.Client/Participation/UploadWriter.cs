using Google.Protobuf;
using Grpc.Core;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Client.Participation;

/// <summary>
/// Sends a contribution: the signed statement over its Merkle root first, then the bytes in
/// chunks of <see cref="MessageLimits.ChunkSize"/>.
/// </summary>
public static class UploadWriter
{
    /// <summary>
    /// Signs and streams <paramref name="contribution"/>; returns the appliance's response.
    /// <paramref name="sent"/>, when given, hears the encoded size of every message sent.
    /// </summary>
    public static async Task<UploadResponse> SendAsync(
        AsyncClientStreamingCall<ContributionUpload, UploadResponse> call,
        ReadOnlyMemory<byte> federationId,
        ulong round,
        uint clientId,
        byte mode,
        ReadOnlyMemory<byte> contribution,
        ReadOnlyMemory<byte> sessionId,
        Ed25519PrivateKey signingKey,
        CancellationToken cancellation,
        Action<long>? sent = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(signingKey);
        var statement = new ContributionStatement(
            federationId.Span, round, clientId, mode, contribution.Length,
            ContributionCommitment.ComputeRoot(contribution.Span));
        byte[] signature = statement.Sign(signingKey);

        var header = new ContributionUpload
        {
            Header = new UploadHeader
            {
                Statement = statement.ToProto(signature),
                SessionId = ByteString.CopyFrom(sessionId.Span),
            },
        };
        sent?.Invoke(header.CalculateSize());
        await call.RequestStream.WriteAsync(header, cancellation).ConfigureAwait(false);
        for (int offset = 0; offset < contribution.Length; offset += MessageLimits.ChunkSize)
        {
            int length = Math.Min(MessageLimits.ChunkSize, contribution.Length - offset);
            var chunk = new ContributionUpload
            {
                Chunk = new Chunk
                {
                    Offset = (ulong)offset,
                    Data = ByteString.CopyFrom(contribution.Span.Slice(offset, length)),
                },
            };
            sent?.Invoke(chunk.CalculateSize());
            await call.RequestStream.WriteAsync(chunk, cancellation).ConfigureAwait(false);
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        return await call.ResponseAsync.ConfigureAwait(false);
    }
}
