// After a stop or a crash, a round that was open has lost its in-memory state (the masks'
// shares, the running sum), and no protocol step can be repeated safely. So every such round
// is closed as aborted, with a ledger entry that says why, before the appliance serves; its
// spooled contributions stay on disk for audit and nothing from it enters a budget.

using SecureFed.Enclave.Ledger;
using SecureFed.Enclave.Storage;

namespace SecureFed.Enclave.Rounds;

/// <summary>Aborts the rounds a previous run left open.</summary>
internal sealed partial class RoundRecovery : IHostedService
{
    private readonly EnclaveDatabase _database;
    private readonly LedgerStore _ledger;
    private readonly PrivacyBudget _budget;
    private readonly ILogger<RoundRecovery> _logger;

    public RoundRecovery(
        EnclaveDatabase database, LedgerStore ledger, PrivacyBudget budget, ILogger<RoundRecovery> logger)
    {
        _database = database;
        _ledger = ledger;
        _budget = budget;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (ulong round in RoundRecords.Unfinished(_database))
        {
            const string reason = "The appliance restarted while the round was open.";
            _database.InTransaction(transaction =>
            {
                // The round charged nothing, so the federation's epsilon after it is the
                // epsilon before it.
                RoundRecords.Close(
                    transaction, round, completed: false, null, [], _budget.EpsilonSpent(), contributors: 0);
                return _ledger.Append(
                    transaction, LedgerKinds.RoundAborted, LedgerPayloads.RoundAborted(round, reason));
            });
            LogAborted(round);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning,
        Message = "Round {Round} was left open by the previous run and is recorded as aborted")]
    private partial void LogAborted(ulong round);
}
