// One completed round of the offline aggregate audit (see AggregateAudit): the files'
// hashes against round.closed, the contributions' leaf lists against their signed roots,
// then the sampled positions. Every problem becomes a finding on the round.closed entry.

using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.He;
using SecureFed.Protocol.Masking;

namespace SecureFed.Protocol.Audit;

/// <summary>Audits one completed round's aggregate.</summary>
internal sealed class RoundSpotCheck
{
    private readonly AuditedLedger _ledger;
    private readonly ClosedRound _round;
    private readonly string _directory;
    private readonly int _spotChecks;
    private readonly RandomNumberGenerator? _random;
    private List<AuditFinding> _findings = [];

    public RoundSpotCheck(
        AuditedLedger ledger, ClosedRound round, string root, int spotChecks, RandomNumberGenerator? random)
    {
        _ledger = ledger;
        _round = round;
        _directory = Path.Combine(root, AuditFiles.RoundDirectory(round.Round));
        _spotChecks = spotChecks;
        _random = random;
    }

    /// <summary>Adds what is wrong to <paramref name="findings"/>; returns the positions compared.</summary>
    public long Run(Lazy<CkksContext?> context, List<AuditFinding> findings)
    {
        _findings = findings;
        var opened = new List<ContributionChunks>();
        try
        {
            return RunCore(context, opened);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException
            or ProtocolViolationException or ArgumentException)
        {
            Fail($"The round's evidence could not be checked: {e.Message}");
            return 0;
        }
        finally
        {
            foreach (ContributionChunks contribution in opened)
            {
                contribution.Dispose();
            }
        }
    }

    private long RunCore(Lazy<CkksContext?> context, List<ContributionChunks> opened)
    {
        if (!Directory.Exists(_directory))
        {
            Fail($"The export has no directory {AuditFiles.RoundDirectory(_round.Round)} for this round.");
            return 0;
        }

        bool aggregateOk = ReadBound(AuditFiles.Aggregate, _round.AggregateSha256, out byte[]? aggregate);
        if (_round.SumSha256 is null)
        {
            Fail("round.closed holds no sum_sha256 (it was written before the appliance kept the sum), " +
                "so its aggregate cannot be spot-checked.");
            return 0;
        }

        bool sumOk = ReadBound(AuditFiles.Sum, _round.SumSha256, out byte[]? sum);
        byte? mode = OpenContributions(opened);
        if (!aggregateOk || !sumOk || mode is null)
        {
            return 0;
        }

        return mode == ContributionStatement.MaskMode
            ? CheckMask(aggregate!, sum!, opened)
            : CheckHe(context.Value, sum!, opened);
    }

    // Opens every contributor's file; returns the round's mode, or null when any is unusable.
    private byte? OpenContributions(List<ContributionChunks> opened)
    {
        byte? mode = null;
        bool usable = _round.Contributors.Count > 0;
        foreach (uint client in _round.Contributors)
        {
            SignedCommitment? commitment = _ledger.Commitment(_round.Round, client);
            if (commitment is null)
            {
                Fail($"Client {client} is named a contributor, but the ledger holds no contribution of it.");
                usable = false;
                continue;
            }

            if (mode is not null && commitment.Mode != mode)
            {
                Fail($"Client {client} signed a contribution of another mode than the round's others.");
                usable = false;
            }

            mode ??= commitment.Mode;
            ContributionChunks? chunks = ContributionChunks.Open(_directory, commitment, out string? problem);
            if (chunks is null)
            {
                Fail(problem!);
                usable = false;
                continue;
            }

            opened.Add(chunks);
        }

        if (_round.Contributors.Count == 0)
        {
            Fail("round.closed names no contributors.");
        }

        return usable ? mode : null;
    }

    private long CheckMask(byte[] aggregate, byte[] sum, List<ContributionChunks> contributions)
    {
        int dimension = _round.Dimension;
        int bits = _round.Bits;
        if (dimension < 1 || bits is < 1 or > 64)
        {
            Fail("The ledger holds no round.opened entry that gives this round's dimension and bits.");
            return 0;
        }

        int packedLength = PackedVector.ByteLength(dimension, bits);
        if (!PackedVector.IsWellFormed(sum, dimension, bits))
        {
            Fail($"{AuditFiles.Sum} is not {dimension} packed {bits}-bit values ({packedLength} bytes).");
            return 0;
        }

        foreach (ContributionChunks contribution in contributions)
        {
            // Lengths were checked against the signed ones; the signed one must fit the round.
            if (contribution.Length != packedLength)
            {
                Fail($"Client {contribution.ClientId} signed a contribution of {contribution.Length} bytes; " +
                    $"this round's masked inputs are {packedLength}.");
                return 0;
            }
        }

        if (!_round.HasDp)
        {
            // Without DP the published aggregate is the sum itself, one 64-bit word per coordinate.
            CheckAggregateIsSum(aggregate, sum, dimension, bits);
        }

        using UnmaskingEvidence? unmasking = ReadUnmasking(dimension, bits);
        if (unmasking is null)
        {
            return 0;
        }

        long[] coordinates = new long[_spotChecks];
        for (int i = 0; i < coordinates.Length; i++)
        {
            coordinates[i] = AggregateSpotCheck.UniformBelow(dimension, _random);
        }

        ulong[] corrections = unmasking.CorrectionsAt(coordinates);
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var wrong = new List<long>();
        for (int i = 0; i < coordinates.Length; i++)
        {
            long bitOffset = coordinates[i] * bits;
            ulong total = corrections[i];
            foreach (ContributionChunks contribution in contributions)
            {
                total = unchecked(total + ChunkedBits.Read(contribution.Chunk, bitOffset, bits)) & mask;
            }

            if (total != ChunkedBits.Read(sum, bitOffset, bits))
            {
                wrong.Add(coordinates[i]);
            }
        }

        if (wrong.Count > 0)
        {
            Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"The sum is not the sum of the signed contributions with the revealed masks stripped: " +
                $"{wrong.Count} of {coordinates.Length} sampled coordinates disagree (first: {wrong[0]})."));
        }

        return coordinates.Length;
    }

    private void CheckAggregateIsSum(byte[] aggregate, byte[] sum, int dimension, int bits)
    {
        if (aggregate.Length != (long)dimension * sizeof(ulong))
        {
            Fail($"{AuditFiles.Aggregate} is {aggregate.Length} bytes; the round's sum is {dimension} " +
                "64-bit words.");
            return;
        }

        for (int c = 0; c < dimension; c++)
        {
            ulong published = BinaryPrimitives.ReadUInt64LittleEndian(aggregate.AsSpan(c * sizeof(ulong)));
            if (published != ChunkedBits.Read(sum, (long)c * bits, bits))
            {
                Fail($"{AuditFiles.Aggregate} differs from {AuditFiles.Sum} at coordinate {c}: the " +
                    "published aggregate is not the round's sum.");
                return;
            }
        }
    }

    private UnmaskingEvidence? ReadUnmasking(int dimension, int bits)
    {
        if (_round.UnmaskingSha256 is null)
        {
            Fail("round.closed of a mask-mode round holds no unmasking_sha256.");
            return null;
        }

        if (!ReadBound(AuditFiles.Unmasking, _round.UnmaskingSha256, out byte[]? bytes))
        {
            return null;
        }

        UnmaskingEvidence evidence;
        try
        {
            evidence = UnmaskingEvidence.Parse(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }

        string? problem = UnmaskingProblem(evidence, dimension, bits);
        if (problem is null)
        {
            return evidence;
        }

        evidence.Dispose();
        Fail(problem);
        return null;
    }

    // Exactly one self mask per contributor; pairwise masks only between a client that is not
    // a contributor (it dropped after sharing) and one that is.
    private string? UnmaskingProblem(UnmaskingEvidence evidence, int dimension, int bits)
    {
        if (evidence.Round != _round.Round || evidence.Dimension != dimension || evidence.Bits != bits)
        {
            return $"{AuditFiles.Unmasking} is for round {evidence.Round}, dimension {evidence.Dimension}, " +
                $"{evidence.Bits} bits; not this round's.";
        }

        var contributors = _round.Contributors.ToHashSet();
        var selfMasks = evidence.Masks.Where(m => m.IsSelfMask).Select(m => m.Owner).ToList();
        if (selfMasks.Count != contributors.Count || !contributors.SetEquals(selfMasks))
        {
            return $"{AuditFiles.Unmasking} does not hold exactly one self mask per contributor.";
        }

        bool pairsOk = evidence.Masks.Where(m => !m.IsSelfMask)
            .All(m => !contributors.Contains(m.Owner) && contributors.Contains(m.Peer));
        return pairsOk
            ? null
            : $"{AuditFiles.Unmasking} holds a pairwise mask that is not between a dropped client and a " +
                "contributor.";
    }

    private long CheckHe(CkksContext? context, byte[] sum, List<ContributionChunks> contributions)
    {
        if (context is null)
        {
            Fail("The ledger's federation.created does not name CKKS parameters this audit can rebuild.");
            return 0;
        }

        int ciphertextSize = CkksSerializer.GetCiphertextSize(context);
        if (sum.Length == 0 || sum.Length % ciphertextSize != 0)
        {
            Fail($"{AuditFiles.Sum} is {sum.Length} bytes, not a whole number of {ciphertextSize}-byte " +
                "ciphertexts.");
            return 0;
        }

        var layout = new ContributionLayout(context, sum.Length / ciphertextSize);
        foreach (ContributionChunks contribution in contributions)
        {
            if (contribution.Length != layout.TotalLength)
            {
                Fail($"Client {contribution.ClientId} signed a contribution of {contribution.Length} bytes; " +
                    $"the aggregate's contributions are {layout.TotalLength}.");
                return 0;
            }
        }

        // Limitation: the downloaded aggregate is the decrypted, decoded sum; checking it
        // against the ciphertexts needs the custodians' decryption shares, which the ledger
        // holds only as hashes. The audit checks the ciphertext sum they decrypted.
        CoefficientPosition[] positions = AggregateSpotCheck.DrawPositions(layout, _spotChecks, _random);
        var readers = contributions
            .Select(c => (c.ClientId, (Func<int, ReadOnlyMemory<byte>>)c.Chunk))
            .ToArray();
        var wrong = new List<CoefficientPosition>();
        foreach (CoefficientPosition position in positions)
        {
            if (AggregateSpotCheck.SumAt(layout, position, readers) != layout.Read(sum, position))
            {
                wrong.Add(position);
            }
        }

        if (wrong.Count > 0)
        {
            Fail($"The aggregate ciphertexts are not the sum of the signed contributions: {wrong.Count} of " +
                $"{positions.Length} sampled residues disagree (first: {AggregateSpotCheck.Describe(wrong[0])}).");
        }

        return positions.Length;
    }

    // Reads a file of the round and checks its SHA-256 against the ledger's.
    private bool ReadBound(string name, byte[] expected, out byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        if (!File.Exists(path))
        {
            Fail($"{name} is missing from the export.");
            bytes = [];
            return false;
        }

        bytes = File.ReadAllBytes(path);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(bytes), expected))
        {
            Fail($"{name} does not have the SHA-256 that round.closed holds for it.");
            return false;
        }

        return true;
    }

    private void Fail(string reason) =>
        _findings.Add(new AuditFinding(AggregateAudit.CheckName, _round.Entry, _round.Round, reason));
}
