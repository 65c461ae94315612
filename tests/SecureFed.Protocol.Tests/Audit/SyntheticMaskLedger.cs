using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecureFed.Crypto.Merkle;
using SecureFed.Crypto.Prg;
using SecureFed.Protocol.Audit;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Ledger;
using SecureFed.Protocol.Masking;

namespace SecureFed.Protocol.Tests.Audit;

/// <summary>
/// Writes the ledger entries and contributions directory of mask-mode rounds without
/// running the protocol: random masked vectors, one self mask per client, and the sum they
/// imply. The entries' hashes and signatures are placeholders; the aggregate audit reads
/// only payloads, the chain being the ledger verifier's concern.
/// </summary>
internal static class SyntheticMaskLedger
{
    public static List<LedgerEntry> Write(
        string directory, int rounds, int clients, int dimension, int bits, bool withSumHash = true)
    {
        var entries = new List<LedgerEntry>();
        var random = new Random(rounds * 31 + clients);
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        for (ulong round = 1; round <= (ulong)rounds; round++)
        {
            string target = Path.Combine(directory, AuditFiles.RoundDirectory(round));
            System.IO.Directory.CreateDirectory(target);
            Add(entries, "round.opened", new { round, settings = new { dimension, bits, dp = (object?)null } });

            var sum = new ulong[dimension];
            var masks = new List<RevealedMask>();
            uint[] contributors = [.. Enumerable.Range(1, clients).Select(c => (uint)c)];
            foreach (uint client in contributors)
            {
                var values = new ulong[dimension];
                for (int i = 0; i < dimension; i++)
                {
                    values[i] = (ulong)random.NextInt64() & mask;
                    sum[i] = unchecked(sum[i] + values[i]) & mask;
                }

                byte[] packed = PackedVector.Pack(values, bits);
                File.WriteAllBytes(Path.Combine(target, AuditFiles.Contribution(client)), packed);
                byte[][] leaves = ContributionCommitment.LeafHashes(packed);
                File.WriteAllBytes(Path.Combine(target, AuditFiles.Leaves(client)), [.. leaves.SelectMany(l => l)]);
                Add(entries, "contribution", new
                {
                    round,
                    client_id = client,
                    mode = ContributionStatement.MaskMode,
                    total_length = packed.Length,
                    root = MerkleTree.Root(leaves),
                    signature = new byte[64],
                });

                byte[] seed = RandomNumberGenerator.GetBytes(MaskPrg.SeedSize);
                using (var prg = new MaskPrg(seed))
                {
                    prg.SubtractFrom(sum, 0, bits);
                }

                masks.Add(new RevealedMask(client, client, false, seed));
            }

            using var evidence = new UnmaskingEvidence(round, dimension, bits, masks);
            byte[] unmasking = evidence.Serialize();
            byte[] packedSum = PackedVector.Pack(sum, bits);
            var aggregate = new byte[dimension * sizeof(ulong)];
            for (int i = 0; i < dimension; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(aggregate.AsSpan(i * sizeof(ulong)), sum[i]);
            }

            File.WriteAllBytes(Path.Combine(target, AuditFiles.Unmasking), unmasking);
            File.WriteAllBytes(Path.Combine(target, AuditFiles.Sum), packedSum);
            File.WriteAllBytes(Path.Combine(target, AuditFiles.Aggregate), aggregate);
            Add(entries, "round.closed", withSumHash
                ? new
                {
                    round,
                    contributors,
                    aggregate_sha256 = SHA256.HashData(aggregate),
                    aggregate_length = aggregate.Length,
                    sum_sha256 = (byte[]?)SHA256.HashData(packedSum),
                    unmasking_sha256 = (byte[]?)SHA256.HashData(unmasking),
                }
                : new
                {
                    round,
                    contributors,
                    aggregate_sha256 = SHA256.HashData(aggregate),
                    aggregate_length = aggregate.Length,
                    sum_sha256 = (byte[]?)null,
                    unmasking_sha256 = (byte[]?)null,
                });
        }

        return entries;
    }

    private static void Add(List<LedgerEntry> entries, string kind, object payload) =>
        entries.Add(new LedgerEntry(
            (ulong)entries.Count,
            new byte[32],
            1,
            kind,
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(payload)),
            new byte[32],
            new byte[64]));
}
