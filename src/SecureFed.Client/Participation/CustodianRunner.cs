// A key custodian's part in HE mode over gRPC. In the ceremony it checks every other
// custodian's enrolled key against the federation CA, then runs the CustodianCeremony
// state machine. In decryption it checks the contributors' keys the same way and lets the
// CustodianDecryptionService decide, under the custodian's own minimum of contributors and
// its record of requests already served, which it persists before any share leaves. The
// service's spot-check of the aggregate asks the appliance to open contribution chunks
// through the OpenContributions call.

using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He;
using SecureFed.Protocol.He.Messages;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Participation;

/// <summary>Runs a custodian's key ceremony and decryptions.</summary>
public static class CustodianRunner
{
    /// <summary>
    /// Waits for a ceremony this custodian is part of and runs it. Returns the custodian's
    /// key state (secret: the caller stores it protected and disposes it), or null when no
    /// ceremony started within the appliance's poll window.
    /// </summary>
    /// <exception cref="ProtocolViolationException">
    /// The appliance or another custodian sent something refused.
    /// </exception>
    public static async Task<CustodianKeyState?> RunCeremonyAsync(
        Custodians.CustodiansClient custodians,
        ParticipantCredentials credentials,
        CkksContext context,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(custodians);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(context);
        var announced = await custodians.AwaitCeremonyAsync(
            new AwaitCeremonyRequest
            {
                FederationId = ByteString.CopyFrom(credentials.FederationId),
                CustodianId = credentials.ParticipantId,
            },
            cancellationToken: cancellation);
        if (!announced.HasCeremony)
        {
            return null;
        }

        var setup = announced.FromProto();
        var directory = EnrolledDirectory.Verify(
            announced.CustodianKeys, setup.CustodianIds, credentials.FederationId, credentials.Trust,
            ParticipantRole.Custodian);
        using var ceremony = new CustodianCeremony(
            context, setup, credentials.ParticipantId, credentials.SigningKey, directory);

        var advertisements = await custodians.AdvertiseAsync(
            ceremony.Advertise().ToProto(), cancellationToken: cancellation);
        var mine = await custodians.ShareSecretAsync(
            ceremony.ShareSecret([.. advertisements.Advertisements.Select(a => a.FromProto())]).ToProto(),
            cancellationToken: cancellation);
        var confirmation = ceremony.Complete(mine.FromProto().Shares);
        var outcome = await custodians.ConfirmAsync(confirmation.ToProto(), cancellationToken: cancellation);
        if (!outcome.Completed
            || !CryptographicOperations.FixedTimeEquals(
                outcome.CollectiveKeyHash.Span, confirmation.CollectivePublicKeyHash))
        {
            throw new ProtocolViolationException("The appliance completed the ceremony with another collective key.");
        }

        return ceremony.TakeKeyState();
    }

    /// <summary>
    /// Waits for one decryption request and answers it. Returns false when none came within
    /// the poll window. <paramref name="served"/> is the custodian's record of requests
    /// already answered; <paramref name="persistServed"/> must store the new record durably
    /// before this method sends the share.
    /// </summary>
    /// <remarks>
    /// Before any share is made, the aggregate is spot-checked at
    /// <paramref name="spotCheckPositions"/> positions against the contributions, which the
    /// appliance opens through <c>OpenContributions</c>.
    /// </remarks>
    /// <exception cref="ProtocolViolationException">
    /// The request is refused (see CustodianDecryptionService), including when the appliance
    /// does not open the contributions.
    /// </exception>
    public static async Task<bool> ServeOnceAsync(
        Custodians.CustodiansClient custodians,
        ParticipantCredentials credentials,
        CustodianKeyState keyState,
        int minimumContributors,
        byte[] served,
        Action<byte[]> persistServed,
        CancellationToken cancellation = default,
        int spotCheckPositions = AggregateSpotCheck.DefaultPositions)
    {
        ArgumentNullException.ThrowIfNull(custodians);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(keyState);
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(persistServed);
        var (header, aggregate) = await ReceiveRequestAsync(custodians, credentials, cancellation)
            .ConfigureAwait(false);
        if (header is null)
        {
            return false;
        }

        var request = header.FromHeader(aggregate);
        var contributors = EnrolledDirectory.Verify(
            header.ContributorKeys, [.. request.Evidence.Select(e => e.ClientId)], credentials.FederationId,
            credentials.Trust);
        byte[] federation = credentials.FederationId;
        var service = new CustodianDecryptionService(
            keyState,
            credentials.SigningKey,
            contributors,
            (round, evidence, key) => new ContributionStatement(
                federation, round, evidence.ClientId, ContributionStatement.HeMode,
                checked((long)evidence.TotalLength), evidence.Root).Verify(key, evidence.Signature),
            minimumContributors,
            spotCheckPositions: spotCheckPositions);
        if (served.Length > 0)
        {
            service.ImportServedRequests(served);
        }

        var response = await service.CreateShareAsync(
            request, (opening, token) => OpenAsync(custodians, credentials, opening, token), cancellation)
            .ConfigureAwait(false);
        persistServed(service.ExportServedRequests());

        using var upload = custodians.SubmitDecryptionShare(cancellationToken: cancellation);
        await upload.RequestStream.WriteAsync(
            new DecryptionShareUpload { Header = response.ToHeader(federation) }, cancellation).ConfigureAwait(false);
        byte[] shares = [.. response.Shares.SelectMany(s => s)];
        for (int offset = 0; offset < shares.Length; offset += MessageLimits.ChunkSize)
        {
            int length = Math.Min(MessageLimits.ChunkSize, shares.Length - offset);
            await upload.RequestStream.WriteAsync(
                new DecryptionShareUpload
                {
                    Chunk = new Chunk { Offset = (ulong)offset, Data = ByteString.CopyFrom(shares, offset, length) },
                },
                cancellation).ConfigureAwait(false);
        }

        await upload.RequestStream.CompleteAsync().ConfigureAwait(false);
        await upload.ResponseAsync.ConfigureAwait(false);
        return true;
    }

    private static async Task<IReadOnlyList<ContributionOpening>> OpenAsync(
        Custodians.CustodiansClient custodians,
        ParticipantCredentials credentials,
        OpeningRequest opening,
        CancellationToken cancellation)
    {
        var request = new OpenContributionsRequest
        {
            Round = new RoundRef
            {
                FederationId = ByteString.CopyFrom(credentials.FederationId),
                Round = opening.Round,
            },
            CustodianId = credentials.ParticipantId,
        };
        request.ClientIds.AddRange(opening.Clients);
        request.ChunkIndices.AddRange(opening.ChunkIndices.Select(i => (uint)i));

        // The appliance's refusal or failure to open is a refusal of its request: the
        // custodian cannot check the aggregate, so it makes no share.
        long limit = (long)opening.Clients.Count * opening.ChunkIndices.Count;
        var openings = new List<ContributionOpening>();
        try
        {
            using var call = custodians.OpenContributions(request, cancellationToken: cancellation);
            while (await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
            {
                var item = call.ResponseStream.Current;
                if (openings.Count == limit || item.ChunkIndex > int.MaxValue)
                {
                    throw new ProtocolViolationException("The appliance opened chunks that were not asked for.");
                }

                openings.Add(new ContributionOpening(
                    item.ClientId, (int)item.ChunkIndex, item.Chunk.ToByteArray(),
                    [.. item.Proof.Select(p => p.ToByteArray())]));
            }
        }
        catch (RpcException failure) when (!cancellation.IsCancellationRequested)
        {
            throw new ProtocolViolationException(
                $"The appliance did not open the contributions for the spot-check: {failure.Status.Detail}", failure);
        }

        return openings;
    }

    private static async Task<(DecryptionRequestHeader? Header, byte[] Aggregate)> ReceiveRequestAsync(
        Custodians.CustodiansClient custodians, ParticipantCredentials credentials, CancellationToken cancellation)
    {
        using var call = custodians.AwaitDecryption(
            new AwaitDecryptionRequest
            {
                FederationId = ByteString.CopyFrom(credentials.FederationId),
                CustodianId = credentials.ParticipantId,
            },
            cancellationToken: cancellation);
        if (!await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false)
            || call.ResponseStream.Current.Header is not { } header)
        {
            throw new ProtocolViolationException("The decryption stream did not start with its header.");
        }

        if (!header.HasRequest)
        {
            return (null, []);
        }

        if (header.AggregateLength > MaxAggregateBytes)
        {
            throw new ProtocolViolationException($"An aggregate of {header.AggregateLength} bytes is too large.");
        }

        var aggregate = new byte[header.AggregateLength];
        long offset = 0;
        while (await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
        {
            var chunk = call.ResponseStream.Current.Chunk ?? throw new ProtocolViolationException(
                "Only chunks may follow the decryption request's header.");
            if (chunk.Offset != (ulong)offset || offset + chunk.Data.Length > aggregate.Length)
            {
                throw new ProtocolViolationException("The aggregate's chunks do not match its header.");
            }

            chunk.Data.Span.CopyTo(aggregate.AsSpan((int)offset));
            offset += chunk.Data.Length;
        }

        return offset == aggregate.Length
            ? (header, aggregate)
            : throw new ProtocolViolationException("The aggregate arrived incomplete.");
    }

    // 64 ciphertexts at N = 32768 with 15 primes.
    private const long MaxAggregateBytes = 512L << 20;
}
