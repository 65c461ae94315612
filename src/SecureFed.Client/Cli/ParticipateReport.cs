namespace SecureFed.Client.Cli;

/// <summary>What <c>securefed participate</c> reports: one entry per round it was given.</summary>
internal sealed record ParticipateReport(
    string StateDir,
    uint ParticipantId,
    IReadOnlyList<RoundReport> Rounds);

/// <summary>One round as <c>securefed participate</c> saw it.</summary>
/// <param name="Round">The round number.</param>
/// <param name="Mode">mask or he.</param>
/// <param name="Status">contributed, refused (nothing was sent) or aborted.</param>
/// <param name="Reason">Why the round was refused or aborted; null when contributed.</param>
/// <param name="Contributors">Clients whose contribution is in the aggregate.</param>
/// <param name="EpsilonCharged">What the round added to this client's own budget; null
/// without a budget.</param>
/// <param name="EpsilonSpent">This client's epsilon spent after the round; null without a
/// budget.</param>
/// <param name="EpsilonLimit">This client's limit; null without a budget.</param>
/// <param name="FederationEpsilonSpent">The federation's epsilon spent, as the appliance
/// reports it.</param>
/// <param name="Delta">The delta of the federation's epsilon.</param>
/// <param name="Receipt">The saved receipt; null when the appliance sent none.</param>
/// <param name="ReceiptVerified">Whether the receipt verified against the ledger key.</param>
internal sealed record RoundReport(
    ulong Round,
    string Mode,
    string Status,
    string? Reason,
    int Contributors,
    double? EpsilonCharged,
    double? EpsilonSpent,
    double? EpsilonLimit,
    double? FederationEpsilonSpent,
    double? Delta,
    string? Receipt,
    bool ReceiptVerified)
{
    public const string Contributed = "contributed";
    public const string Refused = "refused";
    public const string Aborted = "aborted";
}
