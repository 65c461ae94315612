namespace SecureFed.Protocol.Audit;

/// <summary>What the ledger has said so far about one round.</summary>
internal sealed class AuditedRound
{
    public AuditedRound(ulong number, long openedAt, bool he, int minClients, int minContributors,
        RoundMechanism? mechanism)
    {
        Number = number;
        OpenedAt = openedAt;
        He = he;
        MinClients = minClients;
        MinContributors = minContributors;
        Mechanism = mechanism;
    }

    public ulong Number { get; }

    public long OpenedAt { get; }

    public bool He { get; }

    public int MinClients { get; }

    public int MinContributors { get; }

    /// <summary>The DP mechanism, or null for a round without DP noise.</summary>
    public RoundMechanism? Mechanism { get; }

    /// <summary>Each contributing client and the entry of its (first) contribution.</summary>
    public Dictionary<uint, long> Contributions { get; } = [];

    /// <summary>Each custodian that sent a decryption share and the number of shares.</summary>
    public Dictionary<uint, int> DecryptionShares { get; } = [];

    public bool Finished { get; set; }

    public double ClaimedIfCompleted { get; set; }

    public double RecomputedIfCompleted { get; set; }
}
