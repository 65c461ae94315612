namespace SecureFed.Enclave.Storage;

/// <summary>What <see cref="ContributionExport.Write"/> wrote.</summary>
/// <param name="Directory">The contributions directory, as a full path.</param>
/// <param name="Rounds">Completed rounds exported.</param>
/// <param name="Contributions">Contributions copied, each with its leaf hashes.</param>
/// <param name="MissingFiles">Files the ledger implies but the spool lacks.</param>
public sealed record ContributionExportSummary(
    string Directory, int Rounds, int Contributions, int MissingFiles);
