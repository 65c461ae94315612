namespace SecureFed.Enclave.Ledger;

/// <summary>The kinds of ledger entry the appliance writes.</summary>
public static class LedgerKinds
{
    /// <summary>The federation's creation: its id, name, CA, ledger key, budget, HE parameters.</summary>
    public const string FederationCreated = "federation.created";

    /// <summary>A client or custodian enrolled its signing key.</summary>
    public const string Enrollment = "enrollment";

    /// <summary>The custodians' key ceremony started.</summary>
    public const string CeremonyStarted = "ceremony.started";

    /// <summary>The collective public key, confirmed by every custodian.</summary>
    public const string CustodianKey = "custodian.key";

    /// <summary>A round opened, with all its settings and the epsilon it would spend.</summary>
    public const string RoundOpened = "round.opened";

    /// <summary>A client's signed contribution statement.</summary>
    public const string Contribution = "contribution";

    /// <summary>A custodian's decryption share of an HE aggregate (its hash).</summary>
    public const string DecryptionShare = "decryption.share";

    /// <summary>A round completed: contributors, the aggregate's hash, the epsilon spent.</summary>
    public const string RoundClosed = "round.closed";

    /// <summary>A round aborted, and why.</summary>
    public const string RoundAborted = "round.aborted";
}
