using System.Text;
using SecureFed.Client.Participation;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Ledger;
using SecureFed.Simulator.Federation;

namespace SecureFed.Enclave.Tests.Integration;

/// <summary>
/// What a refused call must leave as it was, read through the operator's API: the status
/// (enrolled clients and custodians, ledger length, round and stage) and the ledger's head,
/// the Merkle root over every entry. Equal snapshots mean that nothing was enrolled,
/// recorded or moved on.
/// </summary>
internal sealed record ApplianceSnapshot(StatusResponse Status, ulong LedgerSize, string LedgerRoot)
{
    public static async Task<ApplianceSnapshot> TakeAsync(SimulatedParticipant operatorClient)
    {
        var service = operatorClient.Connection.Operator;
        var status = await service.GetStatusAsync(new GetStatusRequest());
        byte[] export = await HeRoundParticipant.DownloadAsync(
            service.ExportLedger(new ExportLedgerRequest()), CancellationToken.None);

        // The export's checkpoint is signed afresh with the time of export, so only its size
        // and root say whether the ledger itself changed.
        var checkpoint = LedgerExport.Deserialize(Encoding.UTF8.GetString(export)).Checkpoint;
        Assert.Equal(status.LedgerEntries, checkpoint.TreeSize);
        return new ApplianceSnapshot(status, checkpoint.TreeSize, Convert.ToHexString(checkpoint.Root.Span));
    }
}
