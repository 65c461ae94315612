// What an auditor needs beside the ledger to spot-check aggregates offline (DESIGN.md,
// "Ledger and proofs"; AggregateAudit reads it): for every round the ledger closed, the
// spooled contributions, their RFC 6962 leaf hashes (so that one Merkle root per
// contribution checks them against the client-signed root, and only sampled chunks need
// reading), the published aggregate, the sum in the protection domain and, in mask mode,
// the unmasking evidence. Layout and names: SecureFed.Protocol.Audit.AuditFiles.
//
// Everything copied is masked, encrypted or already published; the unmasking evidence
// holds only seeds the protocol revealed to the appliance (see UnmaskingEvidence).

using System.Text.Json;
using SecureFed.Crypto.Merkle;
using SecureFed.Protocol.Audit;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Enclave.Storage;

/// <summary>Copies the audit evidence of every completed round out of the spool.</summary>
public static class ContributionExport
{
    /// <summary>
    /// Writes, under <paramref name="outputDirectory"/>, the evidence of every round that a
    /// round.closed entry of <paramref name="entries"/> names, from the appliance's state in
    /// <paramref name="stateDirectory"/>. Files the spool lacks (rounds closed before the
    /// appliance kept them) are left out and counted, for the audit to report.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is null.</exception>
    /// <exception cref="ArgumentException">A directory is null or empty.</exception>
    /// <exception cref="InvalidDataException">A round.closed payload cannot be read.</exception>
    /// <exception cref="IOException">A file cannot be read or written.</exception>
    public static ContributionExportSummary Write(
        string stateDirectory, IReadOnlyList<LedgerEntry> entries, string outputDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        Directory.CreateDirectory(outputDirectory);

        int rounds = 0;
        int contributions = 0;
        int missing = 0;
        foreach (LedgerEntry entry in entries.Where(e => e.Kind == "round.closed"))
        {
            (ulong round, uint[] contributors) = ReadClosed(entry);
            string target = Path.Combine(outputDirectory, AuditFiles.RoundDirectory(round));
            Directory.CreateDirectory(target);
            rounds++;

            foreach (uint client in contributors)
            {
                string source = Path.Combine(
                    stateDirectory, ContributionSpool.ContributionPath(round, client));
                if (!File.Exists(source))
                {
                    missing++;
                    continue;
                }

                byte[] contribution = File.ReadAllBytes(source);
                File.WriteAllBytes(Path.Combine(target, AuditFiles.Contribution(client)), contribution);
                File.WriteAllBytes(
                    Path.Combine(target, AuditFiles.Leaves(client)), FlatLeaves(contribution));
                contributions++;
            }

            missing += Copy(Path.Combine(stateDirectory, ContributionSpool.AggregatePath(round)),
                Path.Combine(target, AuditFiles.Aggregate));
            missing += Copy(
                Path.Combine(stateDirectory, ContributionSpool.RoundFilePath(round, AuditFiles.Sum)),
                Path.Combine(target, AuditFiles.Sum));

            // HE rounds have no unmasking evidence; its absence there is no gap.
            string unmasking = Path.Combine(
                stateDirectory, ContributionSpool.RoundFilePath(round, AuditFiles.Unmasking));
            if (File.Exists(unmasking))
            {
                File.Copy(unmasking, Path.Combine(target, AuditFiles.Unmasking), overwrite: true);
            }
        }

        return new ContributionExportSummary(Path.GetFullPath(outputDirectory), rounds, contributions, missing);
    }

    private static (ulong Round, uint[] Contributors) ReadClosed(LedgerEntry entry)
    {
        try
        {
            using var document = JsonDocument.Parse(entry.Payload);
            JsonElement payload = document.RootElement;
            return (payload.GetProperty("round").GetUInt64(),
                [.. payload.GetProperty("contributors").EnumerateArray().Select(c => c.GetUInt32())]);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException
            or KeyNotFoundException)
        {
            throw new InvalidDataException(
                $"The payload of round.closed entry {entry.Index} cannot be read: {e.Message}", e);
        }
    }

    private static byte[] FlatLeaves(byte[] contribution)
    {
        byte[][] leaves = ContributionCommitment.LeafHashes(contribution);
        var flat = new byte[leaves.Length * MerkleTree.HashSize];
        for (int i = 0; i < leaves.Length; i++)
        {
            leaves[i].CopyTo(flat, i * MerkleTree.HashSize);
        }

        return flat;
    }

    private static int Copy(string source, string destination)
    {
        if (!File.Exists(source))
        {
            return 1;
        }

        File.Copy(source, destination, overwrite: true);
        return 0;
    }
}
