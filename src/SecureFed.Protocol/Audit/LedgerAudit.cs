// Offline audit of a ledger export, after the design's "Ledger and proofs": the hash chain
// and every appliance signature (Ed25519, RFC 8032), the federation CA and each enrollment's
// certificate (RFC 5280 path validation), each client's signature over its contribution
// statement, the rounds' structure, HE decryption shares, and the privacy budget recomputed
// with the auditor's own Rényi DP accountant. Every finding is kept, entry by entry, so one
// run tells an auditor everything that is wrong rather than only the first thing.

using System.Security.Cryptography;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Protocol.Audit;

/// <summary>Audits a ledger export offline and reports every finding.</summary>
public static class LedgerAudit
{
    /// <summary>
    /// Runs every check over <paramref name="export"/>. The entries are checked against
    /// <see cref="LedgerAuditOptions.PinnedLedgerKey"/> when given, else against the key the
    /// export names.
    /// </summary>
    public static LedgerAuditReport Run(LedgerExport export, LedgerAuditOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(export);
        options ??= new LedgerAuditOptions();
        if (!(options.EpsilonTolerance >= 0 && options.EpsilonTolerance < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.EpsilonTolerance, "The epsilon tolerance must be in [0, 1).");
        }

        var findings = new List<AuditFinding>();
        var key = options.PinnedLedgerKey ?? export.LedgerPublicKey;
        if (options.PinnedLedgerKey is { } pinned && !pinned.Equals(export.LedgerPublicKey))
        {
            findings.Add(new AuditFinding(
                "signature", null, null,
                $"The export names ledger key {Hex(export.LedgerPublicKey)}, not the pinned key " +
                $"{Hex(pinned)}."));
        }

        findings.AddRange(CheckChain(export.Entries, key));
        var run = new AuditRun(
            export, key, options.PinnedLedgerKey is not null, options.EpsilonTolerance, findings);
        run.Walk();
        var checkpoint = LedgerVerifier.VerifyCheckpoint(export.Entries, export.Checkpoint, key);
        if (!checkpoint.Ok)
        {
            findings.Add(new AuditFinding("chain", null, null, $"Checkpoint: {checkpoint.Message}"));
        }

        var ordered = findings
            .Select((finding, order) => (finding, order))
            .OrderBy(f => f.finding.Entry ?? long.MaxValue)
            .ThenBy(f => f.order)
            .Select(f => f.finding)
            .ToArray();
        return new LedgerAuditReport(
            export.Entries.Count, run.Rounds, run.Contributions, run.Enrollments, Hex(key),
            options.PinnedLedgerKey is not null, export.Checkpoint.TreeSize, run.EpsilonLimit,
            run.Delta, run.CumulativeEpsilon, run.PerRound, ordered)
        {
            CertifiedBy = run.CertifiedBy?.ToUri(),
        };
    }

    /// <summary>
    /// Checks every entry's place in the chain against <paramref name="ledgerKey"/> and returns
    /// a finding for each problem: an index that does not follow the entry before (an entry
    /// removed, duplicated or moved), a hash that does not match the contents, a signature
    /// that is not the ledger key's, a previous hash that is not the entry before's, and a
    /// time earlier than the entry before's.
    /// </summary>
    /// <remarks>
    /// Unlike <see cref="LedgerVerifier.Verify"/>, which stops at the first bad entry, this
    /// goes on; and it compares each index with the entry before's rather than with its
    /// position, so one removed entry is one finding, not one per entry after it.
    /// </remarks>
    public static IReadOnlyList<AuditFinding> CheckChain(
        IReadOnlyList<LedgerEntry> entries, Ed25519PublicKey ledgerKey)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(ledgerKey);
        var findings = new List<AuditFinding>();
        if (entries.Count == 0)
        {
            findings.Add(new AuditFinding("chain", null, null, "The ledger holds no entries."));
            return findings;
        }

        for (int i = 0; i < entries.Count; i++)
        {
            CheckLink(entries[i], i == 0 ? null : entries[i - 1], findings);
            CheckSeal(entries[i], ledgerKey, findings);
        }

        return findings;
    }

    private static void CheckLink(LedgerEntry entry, LedgerEntry? previous, List<AuditFinding> findings)
    {
        long at = At(entry);
        if (previous is null)
        {
            if (entry.Index != 0)
            {
                findings.Add(new AuditFinding(
                    "chain", at, null,
                    $"The ledger starts with entry {entry.Index}; entries 0 to {entry.Index - 1} " +
                    "are missing."));
            }

            if (entry.PreviousHash.Span.ContainsAnyExcept((byte)0))
            {
                findings.Add(new AuditFinding(
                    "chain", at, null, "Entry 0's previous hash is not all zeros."));
            }

            return;
        }

        if (entry.Index == previous.Index + 2)
        {
            findings.Add(new AuditFinding(
                "chain", at, null,
                $"Entry {previous.Index + 1} is missing: entry {entry.Index} ({entry.Kind}) " +
                $"follows entry {previous.Index}."));
        }
        else if (entry.Index > previous.Index + 2)
        {
            findings.Add(new AuditFinding(
                "chain", at, null,
                $"Entries {previous.Index + 1} to {entry.Index - 1} are missing: entry " +
                $"{entry.Index} ({entry.Kind}) " +
                $"follows entry {previous.Index}."));
        }
        else if (entry.Index <= previous.Index)
        {
            findings.Add(new AuditFinding(
                "chain", at, null,
                $"Entry {entry.Index} ({entry.Kind}) comes after entry {previous.Index}: " +
                "entries are out of order or repeated."));
        }

        if (!CryptographicOperations.FixedTimeEquals(entry.PreviousHash.Span, previous.Hash.Span))
        {
            findings.Add(new AuditFinding(
                "chain", at, null,
                $"Entry {entry.Index} ({entry.Kind}) does not link to the entry before it (entry " +
                $"{previous.Index}): " +
                "its previous hash is another entry's."));
        }

        if (entry.TimestampUnixMs < previous.TimestampUnixMs)
        {
            findings.Add(new AuditFinding(
                "chain", at, null,
                $"Entry {entry.Index}'s time {entry.TimestampUnixMs} ms is earlier than entry " +
                $"{previous.Index}'s " +
                $"{previous.TimestampUnixMs} ms."));
        }
    }

    private static void CheckSeal(LedgerEntry entry, Ed25519PublicKey key, List<AuditFinding> findings)
    {
        if (!entry.HasValidHash())
        {
            findings.Add(new AuditFinding(
                "chain", At(entry), null,
                $"Entry {entry.Index} ({entry.Kind}) was altered: its hash does not match its " +
                "contents."));
        }
        else if (!entry.HasValidSignature(key))
        {
            // A bad hash already explains a bad signature; only a good hash with a bad
            // signature means the entry was signed, or re-signed, by another key.
            findings.Add(new AuditFinding(
                "signature", At(entry), null,
                $"Entry {entry.Index} ({entry.Kind}) is not signed by the ledger key {Hex(key)}."));
        }
    }

    /// <summary>An entry's index as a finding names it.</summary>
    internal static long At(LedgerEntry entry) =>
        entry.Index > long.MaxValue ? long.MaxValue : (long)entry.Index;

    internal static string Hex(Ed25519PublicKey key) => Convert.ToHexStringLower(key.Bytes.Span);
}
