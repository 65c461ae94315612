using System.CommandLine;
using System.Globalization;
using SecureFed.Enclave.Custody;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Ledger;
using SecureFed.Enclave.Rounds;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Identity;

namespace SecureFed.Enclave.Cli;

/// <summary>
/// <c>securefed-enclave status</c>: what the state directory holds, read offline. It only
/// reads, so it is safe beside a running appliance: SQLite's WAL lets a reader see the last
/// committed state while the appliance writes. A round shown as open may be one the running
/// appliance is in, or one a crash left, which the next start aborts.
/// </summary>
internal static class StatusCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var stateDir = CliOptions.StateDir("The appliance's state directory.");
        var json = CliOptions.Json();
        var command = new Command("status", "Show the federation, ledger, enrollments, rounds and budget.")
        {
            stateDir, json,
        };
        command.SetAction(parse => Output.Run(
            parse.GetValue(json),
            () => Read(CliOptions.InitialisedStateDir(parse, stateDir)),
            Print));
        return command;
    }

    private static StatusReport Read(string directory)
    {
        using var database = EnclaveDatabase.Open(directory, create: false);
        var facts = ApplianceState.LoadFacts(database);
        using var ledger = new LedgerStore(database, ApplianceState.LoadLedgerKey(directory));
        var head = ledger.Head();
        var registry = new ParticipantRegistry(database);
        var budget = new PrivacyBudget(facts.Delta, RoundRecords.CompletedRounds(database));
        long open = RoundRecords.Count(database, RoundRecords.Open);
        long completed = RoundRecords.Count(database, RoundRecords.Completed);
        long aborted = RoundRecords.Count(database, RoundRecords.Aborted);
        ulong last = RoundRecords.LastRound(database);
        return new StatusReport(
            CliOptions.Hex(facts.Id),
            facts.Name,
            directory,
            CliOptions.Hex(ledger.PublicKey.Bytes.Span),
            head is null ? 0 : head.Index + 1,
            head is null ? null : CliOptions.Hex(head.Hash.Span),
            registry.Count(ParticipantRole.Client),
            registry.Count(ParticipantRole.Custodian),
            registry.Count(ParticipantRole.Operator),
            open + completed + aborted,
            open,
            completed,
            aborted,
            last,
            last == 0 ? null : RoundRecords.StateOf(database, last),
            budget.EpsilonSpent(),
            facts.EpsilonLimit,
            facts.Delta,
            facts.CkksParameters.RingDegree,
            CeremonyRecords.LoadCompleted(database) is not null);
    }

    private static void Print(StatusReport r)
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine($"Federation {r.FederationName} ({r.FederationId})");
        Console.WriteLine($"  state: {r.StateDir}");
        Console.WriteLine($"  ledger: {r.LedgerEntries} entries, head {r.LedgerHead ?? "none"}");
        Console.WriteLine($"  ledger key (public): {r.LedgerPublicKey}");
        Console.WriteLine(
            $"  enrolled: {r.ClientsEnrolled} clients, {r.CustodiansEnrolled} custodians, "
            + $"{r.OperatorsEnrolled} operators");
        Console.WriteLine(
            $"  rounds: {r.Rounds} ({r.RoundsCompleted} completed, {r.RoundsAborted} aborted, "
            + $"{r.RoundsOpen} open)");
        if (r.LastRound > 0)
        {
            Console.WriteLine($"  last round: {r.LastRound}, {r.LastRoundState}");
        }

        Console.WriteLine(string.Create(
            culture, $"  privacy budget: epsilon {r.EpsilonSpent:0.####} of {r.EpsilonLimit}, delta {r.Delta}"));
        Console.WriteLine($"  HE: ring degree {r.RingDegree}, collective key {(r.HeKeyReady ? "ready" : "not ready")}");
    }
}
