namespace SecureFed.Protocol.Audit;

/// <summary>Everything an offline audit of a ledger export found, with what it counted.</summary>
/// <param name="Entries">Entries in the export.</param>
/// <param name="Rounds">Rounds opened.</param>
/// <param name="Contributions">Contribution entries checked.</param>
/// <param name="Enrollments">Enrollment entries checked.</param>
/// <param name="LedgerKeyHex">The ledger key the entries were checked against, hex.</param>
/// <param name="KeyPinned">
/// Whether that key was given by the auditor; false when it came from the export itself,
/// which then proves only that the ledger is consistent, not whose it is.
/// </param>
/// <param name="CheckpointSize">Entries the export's signed checkpoint covers.</param>
/// <param name="EpsilonLimit">federation.created's <c>epsilon_limit</c>, when readable.</param>
/// <param name="Delta">federation.created's <c>delta</c>, when readable.</param>
/// <param name="CumulativeEpsilon">Epsilon recomputed over every completed round.</param>
/// <param name="PerRound">Claimed and recomputed epsilon of each round, in ledger order.</param>
/// <param name="Findings">Every finding, in ledger order, then those about the whole ledger.</param>
public sealed record LedgerAuditReport(
    int Entries,
    int Rounds,
    int Contributions,
    int Enrollments,
    string LedgerKeyHex,
    bool KeyPinned,
    ulong CheckpointSize,
    double? EpsilonLimit,
    double? Delta,
    double CumulativeEpsilon,
    IReadOnlyList<RoundEpsilon> PerRound,
    IReadOnlyList<AuditFinding> Findings)
{
    /// <summary>The checks an audit runs, in the order a report lists them.</summary>
    public static IReadOnlyList<string> Checks { get; } =
    [
        "chain", "signature", "certificate", "enrollment", "contribution", "round",
        "aggregate", "decryption", "budget",
    ];

    /// <summary>
    /// The identity URI of the appliance whose certificate from the federation CA vouched for
    /// the ledger key in federation.created, or null when none did.
    /// </summary>
    public string? CertifiedBy { get; init; }

    /// <summary>Whether nothing was found.</summary>
    public bool Ok => Findings.Count == 0;
}
