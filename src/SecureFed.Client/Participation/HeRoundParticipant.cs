// One client's part in an HE-mode round over gRPC: join, check that every custodian of the
// key ceremony confirmed the collective key (signatures under their enrolled keys, which the
// client verifies against the federation CA itself), fetch the key and check its hash against
// the confirmed one, encrypt the integer vector with coefficient encoding at the round's
// scale, and stream the ciphertexts with their signed statement. The appliance only relays
// the key: were the client to trust a hash the appliance sends, a malicious appliance could
// hand it a key whose secret it knows (threat model S7).

using System.Security.Cryptography;
using Grpc.Core;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He;
using SecureFed.Protocol.Identity;

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

        // Checked before anything is encrypted or uploaded, and also for a client that will
        // not contribute, so that a tampered setup is reported either way.
        VerifyCustodianConfirmations(setup, credentials, context);
        if (!contribute)
        {
            return null;
        }

        var stage = new StageRequest { Round = task.Round, ClientId = me };
        byte[] keyBytes = await DownloadAsync(
            rounds.DownloadCollectiveKey(stage, cancellationToken: cancellation), cancellation).ConfigureAwait(false);
        if (!CollectiveKeyVerifier.MatchesHash(keyBytes, setup.CollectiveKeyHash.Span))
        {
            throw new ProtocolViolationException(
                "The collective key the appliance sent is not the key the custodians confirmed.");
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

    /// <summary>
    /// Checks that every custodian named in <paramref name="setup"/>'s ceremony confirmed its
    /// collective key hash with a valid signature under the custodian's enrolled signing key,
    /// and verifies each custodian's enrollment (certificate chain to the federation CA,
    /// custodian role, enrollment statement binding the signing key) with
    /// <paramref name="credentials"/>' trust, as mask-mode clients check their peers.
    /// </summary>
    /// <exception cref="ProtocolViolationException">Any check fails.</exception>
    public static void VerifyCustodianConfirmations(
        HeSetup setup, ParticipantCredentials credentials, CkksContext context)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(context);
        if (setup.Ceremony is not { HasCeremony: true } ceremony)
        {
            throw new ProtocolViolationException(
                "The HE setup carries no key ceremony: the collective key cannot be checked.");
        }

        Protocol.He.Messages.CeremonySetup record;
        try
        {
            record = ceremony.FromProto();
        }
        catch (FormatException malformed)
        {
            throw new ProtocolViolationException($"The HE setup's key ceremony is malformed: {malformed.Message}");
        }

        // The key must be made for the parameters this client encrypts with.
        if (!CryptographicOperations.FixedTimeEquals(record.ParameterId, context.Parameters.ParameterId))
        {
            throw new ProtocolViolationException("The key ceremony was for other CKKS parameters.");
        }

        var custodians = EnrolledDirectory.Verify(
            ceremony.CustodianKeys, record.CustodianIds, credentials.FederationId, credentials.Trust,
            ParticipantRole.Custodian);
        CollectiveKeyVerifier.Verify(
            record, setup.CollectiveKeyHash.Span, [.. setup.Confirmations.Select(c => c.FromProto())],
            custodians);
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
