// The clients' side of rounds over gRPC. Each handler authenticates the caller (the
// interceptor did), binds the client id in the message to the caller's enrolled id, checks
// the round, converts the message and hands it to the round's runtime. Refusals become
// gRPC statuses in RpcErrors; nothing is changed by a refused call.

using Grpc.Core;
using SecureFed.Enclave.Rounds;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using V1 = SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Masking;
using SecureFed.Protocol.Masking.Messages;
using V1Rounds = SecureFed.Protocol.Grpc.V1.Rounds;

namespace SecureFed.Enclave.Services;

/// <summary>The <c>securefed.v1.Rounds</c> service.</summary>
internal sealed class RoundsService : V1Rounds.RoundsBase
{
    private readonly RoundCoordinator _coordinator;
    private readonly UploadGate _uploads;

    public RoundsService(RoundCoordinator coordinator, UploadGate uploads)
    {
        _coordinator = coordinator;
        _uploads = uploads;
    }

    public override Task<RoundTask> WaitForTask(WaitForTaskRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            _coordinator.ExpectFederation(request.FederationId);
            return await _coordinator.WaitForTaskAsync(request.AfterRound, context.CancellationToken)
                .ConfigureAwait(false);
        });

    public override Task<JoinRoundResponse> JoinRound(JoinRoundRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            uint client = _coordinator.BindClient(context, request.ClientId);
            var runtime = _coordinator.Find(request.Round);
            JoinRoundResponse response;
            if (runtime is MaskRoundRuntime mask)
            {
                var setup = await mask.JoinAsync(client, context.CancellationToken).ConfigureAwait(false);
                response = new JoinRoundResponse { Mask = setup.ToProto() };
                response.Keys.AddRange(_coordinator.EnrolledKeys(setup.Participants));
            }
            else
            {
                var he = (HeRoundRuntime)runtime;
                var setup = await he.JoinAsync(client, context.CancellationToken).ConfigureAwait(false);
                response = new JoinRoundResponse { He = setup };
                response.Keys.AddRange(_coordinator.EnrolledKeys(setup.Participants));
            }

            return response;
        });

    public override Task<AdvertisedKeysResponse> AdvertiseKeys(
        AdvertiseKeysRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            var advert = request.Advertisement ?? throw Missing("advertisement");
            _coordinator.BindClient(context, advert.ClientId);
            var mask = _coordinator.FindMask(request.Round);
            var advertised = await mask.AdvertiseAsync(
                advert.FromProto(request.Round.Round), context.CancellationToken).ConfigureAwait(false);
            return advertised.ToProto();
        });

    public override Task<ForwardedSharesResponse> ShareKeys(
        ShareKeysRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            _coordinator.BindClient(context, request.ClientId);
            var mask = _coordinator.FindMask(request.Round);
            var forwarded = await mask.ShareAsync(request.FromProto(), context.CancellationToken)
                .ConfigureAwait(false);
            return forwarded.ToProto();
        });

    public override Task<UploadResponse> UploadMaskedInput(
        IAsyncStreamReader<ContributionUpload> requestStream, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            var header = await UploadReader.ReadHeaderAsync(requestStream, context.CancellationToken)
                .ConfigureAwait(false);
            var statement = header.Statement;
            uint client = _coordinator.BindClient(context, statement.ClientId);
            var mask = _coordinator.FindMask(statement.Round);
            int length = PackedVector.ByteLength(mask.Settings.Dimension, mask.Settings.Bits);
            var contribution = _coordinator.CheckStatement(statement, ProtectionMode.Mask, length);
            using var slot = await _uploads.EnterAsync(context.CancellationToken).ConfigureAwait(false);
            byte[] data = await UploadReader.ReadBodyAsync(requestStream, length, context.CancellationToken)
                .ConfigureAwait(false);
            _coordinator.CheckCommitment(contribution, data);

            var message = new MaskedInput(
                statement.Round.Round, client, header.SessionId.ToByteArray(), data);
            ulong index = mask.AcceptMaskedInput(
                message, () => _coordinator.RecordContribution(contribution, data));
            return new UploadResponse
            {
                Root = statement.Root,
                Receipt = _coordinator.Receipt(index),
            };
        });

    public override Task<SurvivorsResponse> AwaitSurvivors(StageRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            uint client = _coordinator.BindClient(context, request.ClientId);
            var mask = _coordinator.FindMask(request.Round);
            var check = await mask.AwaitSurvivorsAsync(client, context.CancellationToken)
                .ConfigureAwait(false);
            return check.ToProto();
        });

    public override Task<UnmaskTask> SignSurvivors(SignSurvivorsRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            var signature = request.FromProto();
            _coordinator.BindClient(context, signature.ClientId);
            var mask = _coordinator.FindMask(request.Round);
            var unmask = await mask.SignAsync(signature, context.CancellationToken).ConfigureAwait(false);
            return unmask.ToProto();
        });

    public override Task<V1.UnmaskResponse> Unmask(V1.UnmaskRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, () =>
        {
            var response = request.FromProto();
            _coordinator.BindClient(context, response.ClientId);
            _coordinator.FindMask(request.Round).AcceptUnmask(response);
            return Task.FromResult(new V1.UnmaskResponse());
        });

    public override Task DownloadCollectiveKey(
        StageRequest request, IServerStreamWriter<Chunk> responseStream, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            _coordinator.BindClient(context, request.ClientId);
            var he = _coordinator.FindHe(request.Round);
            await ChunkWriter.WriteAsync(responseStream, he.CollectiveKey, context.CancellationToken)
                .ConfigureAwait(false);
            return true;
        });

    public override Task<UploadResponse> UploadCiphertexts(
        IAsyncStreamReader<ContributionUpload> requestStream, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            var header = await UploadReader.ReadHeaderAsync(requestStream, context.CancellationToken)
                .ConfigureAwait(false);
            var statement = header.Statement;
            _coordinator.BindClient(context, statement.ClientId);
            var he = _coordinator.FindHe(statement.Round);
            int length = he.ContributionLength;
            var contribution = _coordinator.CheckStatement(statement, ProtectionMode.He, length);
            using var slot = await _uploads.EnterAsync(context.CancellationToken).ConfigureAwait(false);
            byte[] data = await UploadReader.ReadBodyAsync(requestStream, length, context.CancellationToken)
                .ConfigureAwait(false);
            _coordinator.CheckCommitment(contribution, data);
            ulong index = he.AcceptContribution(
                contribution, data, () => _coordinator.RecordContribution(contribution, data));
            return new UploadResponse { Root = statement.Root, Receipt = _coordinator.Receipt(index) };
        });

    public override Task<RoundResult> AwaitResult(StageRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            _coordinator.BindClient(context, request.ClientId);
            return await _coordinator.AwaitResultAsync(request.Round, context.CancellationToken)
                .ConfigureAwait(false);
        });

    public override Task DownloadAggregate(
        StageRequest request, IServerStreamWriter<Chunk> responseStream, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            _coordinator.BindClient(context, request.ClientId);
            byte[] aggregate = await _coordinator.AggregateBytesAsync(request.Round, context.CancellationToken)
                .ConfigureAwait(false);
            await ChunkWriter.WriteAsync(responseStream, aggregate, context.CancellationToken)
                .ConfigureAwait(false);
            return true;
        });

    private static RoundRejectedException Missing(string field) =>
        new(RejectionReason.Invalid, $"The request has no {field}.");
}
