// The custodians' service over gRPC: the key ceremony relay and threshold decryption. The
// custodian id in every message must be the caller's enrolled id.

using Google.Protobuf;
using Grpc.Core;
using SecureFed.Enclave.Custody;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Rounds;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using V1Custodians = SecureFed.Protocol.Grpc.V1.Custodians;

namespace SecureFed.Enclave.Services;

/// <summary>The <c>securefed.v1.Custodians</c> service.</summary>
internal sealed class CustodiansService : V1Custodians.CustodiansBase
{
    private readonly CeremonyCoordinatorService _ceremony;
    private readonly RoundCoordinator _coordinator;
    private readonly ParticipantRegistry _registry;
    private readonly FederationFacts _facts;

    public CustodiansService(
        CeremonyCoordinatorService ceremony,
        RoundCoordinator coordinator,
        ParticipantRegistry registry,
        FederationFacts facts)
    {
        _ceremony = ceremony;
        _coordinator = coordinator;
        _registry = registry;
        _facts = facts;
    }

    public override Task<CeremonySetup> AwaitCeremony(AwaitCeremonyRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            _coordinator.ExpectFederation(request.FederationId);
            uint me = Bind(context, request.CustodianId);
            return await _ceremony.AwaitCeremonyAsync(me, context.CancellationToken).ConfigureAwait(false);
        });

    public override Task<CustodianAdvertisements> Advertise(
        CustodianAdvertisement request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            Bind(context, request.CustodianId);
            return await _ceremony.AdvertiseAsync(request.FromProto(), context.CancellationToken).ConfigureAwait(false);
        });

    public override Task<CustodianSealedShares> ShareSecret(CustodianSealedShares request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            Bind(context, request.CustodianId);
            return await _ceremony.ShareAsync(request.FromProto(), context.CancellationToken).ConfigureAwait(false);
        });

    public override Task<CeremonyOutcome> Confirm(CustodianConfirmation request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            Bind(context, request.CustodianId);
            return await _ceremony.ConfirmAsync(request.FromProto(), context.CancellationToken).ConfigureAwait(false);
        });

    public override Task AwaitDecryption(
        AwaitDecryptionRequest request,
        IServerStreamWriter<DecryptionTaskPart> responseStream,
        ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            _coordinator.ExpectFederation(request.FederationId);
            uint me = Bind(context, request.CustodianId);
            var pending = await _ceremony.AwaitDecryptionAsync(me, context.CancellationToken).ConfigureAwait(false);
            if (pending is null)
            {
                await responseStream.WriteAsync(
                    new DecryptionTaskPart { Header = new DecryptionRequestHeader { HasRequest = false } },
                    context.CancellationToken).ConfigureAwait(false);
                return true;
            }

            var header = pending.ToHeader(_facts.Id);
            header.ContributorKeys.AddRange(_coordinator.EnrolledKeys(pending.Evidence.Select(e => e.ClientId)));
            await responseStream.WriteAsync(new DecryptionTaskPart { Header = header }, context.CancellationToken)
                .ConfigureAwait(false);
            long offset = 0;
            foreach (byte[] ciphertext in pending.Aggregate)
            {
                for (int start = 0; start < ciphertext.Length; start += MessageLimits.ChunkSize)
                {
                    int length = Math.Min(MessageLimits.ChunkSize, ciphertext.Length - start);
                    await responseStream.WriteAsync(
                        new DecryptionTaskPart
                        {
                            Chunk = new Chunk
                            {
                                Offset = (ulong)(offset + start),
                                Data = ByteString.CopyFrom(ciphertext, start, length),
                            },
                        },
                        context.CancellationToken).ConfigureAwait(false);
                }

                offset += ciphertext.Length;
            }

            return true;
        });

    public override Task OpenContributions(
        OpenContributionsRequest request,
        IServerStreamWriter<ContributionChunkOpening> responseStream,
        ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            _coordinator.ExpectFederation(request.Round?.FederationId ?? ByteString.Empty);
            uint me = Bind(context, request.CustodianId);
            ulong round = request.Round!.Round;

            // Only a chosen custodian, only while its decryption of this round is pending, and
            // only contributions in that request's evidence: the spool opens nothing else.
            var contributors = _ceremony.PendingEvidence(me, round).Select(e => e.ClientId).ToHashSet();
            uint[] chunks = [.. request.ChunkIndices];
            if (chunks.Length > MaxOpenedChunks)
            {
                throw new RoundRejectedException(
                    RejectionReason.Oversized, $"At most {MaxOpenedChunks} chunks may be opened per contribution.");
            }

            if (chunks.Length == 0 || chunks.Zip(chunks.Skip(1)).Any(pair => pair.First >= pair.Second))
            {
                throw new RoundRejectedException(
                    RejectionReason.Invalid, "The chunk indices must be ascending, distinct and at least one.");
            }

            uint[] clients = [.. request.ClientIds];
            if (clients.Distinct().Count() != clients.Length || clients.Any(c => !contributors.Contains(c)))
            {
                throw new RoundRejectedException(
                    RejectionReason.NotParticipant,
                    $"The clients to open are not distinct contributors of round {round}.");
            }

            foreach (uint client in clients)
            {
                byte[] data = _coordinator.ContributionBytes(round, client);
                byte[][] leaves = ContributionCommitment.LeafHashes(data);
                foreach (uint index in chunks)
                {
                    if (index >= leaves.Length)
                    {
                        throw new RoundRejectedException(
                            RejectionReason.Invalid, $"A contribution of round {round} has {leaves.Length} chunks.");
                    }

                    (long offset, int length) = ContributionCommitment.ChunkRange(data.Length, (int)index);
                    var opening = new ContributionChunkOpening
                    {
                        ClientId = client,
                        ChunkIndex = index,
                        Chunk = ByteString.CopyFrom(data, (int)offset, length),
                    };
                    opening.Proof.AddRange(
                        ContributionCommitment.ChunkProof(leaves, (int)index).Select(ByteString.CopyFrom));
                    await responseStream.WriteAsync(opening, context.CancellationToken).ConfigureAwait(false);
                }
            }

            return true;
        });

    public override Task<DecryptionShareAck> SubmitDecryptionShare(
        IAsyncStreamReader<DecryptionShareUpload> requestStream, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false)
                || requestStream.Current.Header is not { } header)
            {
                throw new RoundRejectedException(RejectionReason.Invalid, "A share upload must start with its header.");
            }

            Bind(context, header.CustodianId);
            _coordinator.ExpectFederation(header.Round?.FederationId ?? ByteString.Empty);
            long total = header.ShareLengths.Sum(l => (long)l);
            if (total > MaxShareBytes)
            {
                throw new RoundRejectedException(
                    RejectionReason.Oversized, $"Decryption shares may total {MaxShareBytes} bytes.");
            }

            var buffer = new byte[total];
            long offset = 0;
            while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
            {
                var chunk = requestStream.Current.Chunk ?? throw new RoundRejectedException(
                    RejectionReason.Invalid, "Only chunks may follow a share upload's header.");
                if (chunk.Offset != (ulong)offset || offset + chunk.Data.Length > total)
                {
                    throw new RoundRejectedException(
                        RejectionReason.WrongLength, "The share chunks do not match the header.");
                }

                chunk.Data.Span.CopyTo(buffer.AsSpan((int)offset));
                offset += chunk.Data.Length;
            }

            if (offset != total)
            {
                throw new RoundRejectedException(
                    RejectionReason.WrongLength, $"The upload has {offset} of its {total} bytes.");
            }

            ulong index = _ceremony.AcceptShare(header.FromHeader(buffer));
            return new DecryptionShareAck { Receipt = _coordinator.Receipt(index) };
        });

    // Two chunks for each of AggregateSpotCheck.MaxPositions positions.
    private const int MaxOpenedChunks = 512;

    // An N = 32768 ciphertext of 15 primes has decryption shares of about 3.5 MB; 64 of them.
    private const long MaxShareBytes = 256L << 20;

    private uint Bind(ServerCallContext context, uint claimedId)
    {
        var identity = CallerIdentity.Get(context);
        var enrolled = _registry.Find(identity) ?? throw new RoundRejectedException(
            RejectionReason.NotParticipant, $"{identity} is not enrolled.");
        return enrolled.Id == claimedId && identity.Role == ParticipantRole.Custodian
            ? claimedId
            : throw new RoundRejectedException(
                RejectionReason.NotParticipant,
                $"The message names custodian {claimedId}, but the caller enrolled as {enrolled.Id}.");
    }
}
