namespace SecureFed.Client.Cli;

/// <summary>What <c>securefed operator start-ceremony</c> reports.</summary>
internal sealed record CeremonyStartedReport(
    string CeremonyId,
    IReadOnlyList<string> Custodians,
    IReadOnlyList<uint> CustodianIds,
    int Threshold);

/// <summary>What <c>securefed operator open-round</c> reports.</summary>
internal sealed record RoundOpenedReport(
    ulong Round,
    string FederationId,
    string Mode,
    int ModelDimension,
    int Dimension,
    int Bits,
    int MinClients,
    int MaxClients,
    string Noise,
    double NoiseMultiplier,
    double Clip,
    int ExpectedClients,
    double Scale,
    double LocalVariance,
    ulong LedgerEntry,
    bool ReceiptVerified);

/// <summary>What <c>securefed operator status</c> reports.</summary>
internal sealed record StatusReport(
    string FederationId,
    string FederationName,
    uint ClientsEnrolled,
    uint CustodiansEnrolled,
    ulong LedgerEntries,
    ulong RoundsCompleted,
    ulong CurrentRound,
    string CurrentStage,
    bool CollectiveKeyReady,
    double EpsilonSpent,
    double EpsilonLimit,
    double Delta);
