// One client's part in an HE-mode round over gRPC: join, fetch the collective key and check
// its hash against the one the federation announced, encrypt the integer vector with
// coefficient encoding at the round's scale, and stream the ciphertexts with their signed
// statement.

using System.Security.Cryptography;
using Grpc.Core;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He;

namespace SecureFed.Client.Participation;

/// <summary>Runs one client through an HE-mode round.</summary>
public static class HeRoundParticipant
{
    /// <summary>
    /// Joins the round of <paramref name="task"/>, contributes <paramref name="input"/> and
    /// returns the round's result, or null when <paramref name="contribute"/> is false (a
    /// simulated dropout after joining). <paramref name="sent"/>, when given, hears the encoded
    /// size of every message the client sends.
    /// </summary>
    /// <exception cref="RpcException">The appliance refused a step or the round aborted.</exception>
    /// <exception cref="ProtocolViolationException">The appliance sent something the client refuses.</exception>
    public static async Task<RoundResult?> RunAsync(
        Rounds.RoundsClient rounds,
        ParticipantCredentials credentials,
        CkksContext context,
        RoundTask task,
        ulong[] input,
        bool contribute = true,
        Action<long>? sent = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(input);
        uint me = credentials.ParticipantId;
        var join = new JoinRoundRequest { Round = task.Round, ClientId = me };
        sent?.Invoke(join.CalculateSize());
        var joined = await rounds.JoinRoundAsync(join, cancellationToken: cancellation);
        var setup = joined.He ?? throw new ProtocolViolationException("The round sent no HE setup.");
        if (!CryptographicOperations.FixedTimeEquals(setup.CkksParameterId.Span, context.Parameters.ParameterId)
            || input.Length != task.Dimension || setup.ScaleBits != task.HeScaleBits)
        {
            throw new ProtocolViolationException("The HE setup does not match the round or this client's parameters.");
        }

        if (!contribute)
        {
            return null;
        }

        var stage = new StageRequest { Round = task.Round, ClientId = me };
        byte[] keyBytes = await DownloadAsync(
            rounds.DownloadCollectiveKey(stage, cancellationToken: cancellation), cancellation).ConfigureAwait(false);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(keyBytes), setup.CollectiveKeyHash.Span))
        {
            throw new ProtocolViolationException("The collective key does not have the hash the custodians confirmed.");
        }

        var publicKey = CkksSerializer.DeserializePublicKey(context, keyBytes);
        var encoder = new HeContributionEncoder(context, publicKey, (int)setup.ScaleBits);
        var values = new long[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            values[i] = checked((long)input[i]);
        }

        byte[] contribution = [.. encoder.Encrypt(values).SelectMany(c => c)];
        using (var upload = rounds.UploadCiphertexts(cancellationToken: cancellation))
        {
            await UploadWriter.SendAsync(
                upload, credentials.FederationId, task.Round.Round, me, ContributionStatement.HeMode,
                contribution, ReadOnlyMemory<byte>.Empty, credentials.SigningKey, cancellation, sent)
                .ConfigureAwait(false);
        }

        return await rounds.AwaitResultAsync(stage, cancellationToken: cancellation);
    }

    /// <summary>Reads a chunked download into one array, checking the chunks' order.</summary>
    public static async Task<byte[]> DownloadAsync(AsyncServerStreamingCall<Chunk> call, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(call);
        using (call)
        {
            using var buffer = new MemoryStream();
            while (await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
            {
                var chunk = call.ResponseStream.Current;
                if (chunk.Offset != (ulong)buffer.Length)
                {
                    throw new ProtocolViolationException("A download's chunks arrived out of order.");
                }

                chunk.Data.WriteTo(buffer);
            }

            return buffer.ToArray();
        }
    }
}
