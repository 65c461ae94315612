// The operator's controls. Opening a round, starting the key ceremony and exporting the
// ledger are the only ways to change what the appliance does; each is recorded in the
// ledger by the component that carries it out.

using System.Text;
using Google.Protobuf;
using Grpc.Core;
using SecureFed.Enclave.Custody;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Ledger;
using SecureFed.Enclave.Rounds;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Ledger;
using V1Operator = SecureFed.Protocol.Grpc.V1.Operator;

namespace SecureFed.Enclave.Services;

/// <summary>The <c>securefed.v1.Operator</c> service.</summary>
internal sealed class OperatorService : V1Operator.OperatorBase
{
    private readonly FederationFacts _facts;
    private readonly EnclaveDatabase _database;
    private readonly ParticipantRegistry _registry;
    private readonly LedgerStore _ledger;
    private readonly RoundCoordinator _coordinator;
    private readonly CeremonyCoordinatorService _ceremony;
    private readonly PrivacyBudget _budget;
    private readonly IHostApplicationLifetime _lifetime;

    public OperatorService(
        FederationFacts facts,
        EnclaveDatabase database,
        ParticipantRegistry registry,
        LedgerStore ledger,
        RoundCoordinator coordinator,
        CeremonyCoordinatorService ceremony,
        PrivacyBudget budget,
        IHostApplicationLifetime lifetime)
    {
        _facts = facts;
        _database = database;
        _registry = registry;
        _ledger = ledger;
        _coordinator = coordinator;
        _ceremony = ceremony;
        _budget = budget;
        _lifetime = lifetime;
    }

    public override Task<StartCeremonyResponse> StartCeremony(
        StartCeremonyRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, () => Task.FromResult(_ceremony.Start(request)));

    public override Task<OpenRoundResponse> OpenRound(OpenRoundRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, () =>
        {
            if (request.Mode == ProtectionMode.He && _ceremony.CompletedKey is null)
            {
                throw new RoundRejectedException(
                    RejectionReason.WrongRound, "HE mode needs the custodians' collective key first.");
            }

            var (settings, index) = _coordinator.Open(
                round => RoundSettingsFactory.Create(round, request, _facts.CkksParameters),
                _lifetime.ApplicationStopping);
            return Task.FromResult(new OpenRoundResponse
            {
                Round = new RoundRef { FederationId = ByteString.CopyFrom(_facts.Id), Round = settings.Round },
                Receipt = _ledger.Receipt(index).ToProto(),
            });
        });

    public override Task<StatusResponse> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        var current = _coordinator.Current;
        return Task.FromResult(new StatusResponse
        {
            FederationId = ByteString.CopyFrom(_facts.Id),
            FederationName = _facts.Name,
            ClientsEnrolled = (uint)_registry.Count(ParticipantRole.Client),
            CustodiansEnrolled = (uint)_registry.Count(ParticipantRole.Custodian),
            LedgerEntries = _ledger.Count,
            RoundsCompleted = (ulong)RoundRecords.Count(_database, RoundRecords.Completed),
            CurrentRound = current?.Settings.Round ?? 0,
            CurrentStage = current?.CurrentStage ?? "idle",
            CollectiveKeyReady = _ceremony.CompletedKey is not null,
            EpsilonSpent = _budget.EpsilonSpent(),
            EpsilonLimit = _facts.EpsilonLimit,
            Delta = _facts.Delta,
        });
    }

    public override Task ExportLedger(
        ExportLedgerRequest request, IServerStreamWriter<Chunk> responseStream, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, async () =>
        {
            byte[] export = Encoding.UTF8.GetBytes(Export(_ledger));
            await ChunkWriter.WriteAsync(responseStream, export, context.CancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>The ledger as the JSON export auditors read.</summary>
    public static string Export(LedgerStore ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var (entries, checkpoint) = ledger.Snapshot();
        return LedgerExport.Serialize(new LedgerExport(ledger.PublicKey, entries, checkpoint));
    }
}
