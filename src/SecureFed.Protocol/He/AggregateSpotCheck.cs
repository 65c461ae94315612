// A custodian's check that an HE aggregate is the sum of the evidenced contributions, by
// sampling (DESIGN.md, "HE mode" and "Aggregate check by sampling"). Once the aggregate is
// fixed, the custodian draws K residue positions from a CSPRNG, has the appliance open the
// commitment chunks holding them in every contribution, verifies each chunk against the
// root its client signed (RFC 6962 inclusion, ContributionCommitment), and checks that the
// contributions' residues add up modulo the residue's prime to the aggregate's.
//
// Ciphertexts are serialized and added in NTT form, row by row modulo q_i (HeAggregator
// calls CkksEvaluator.AddInPlace, which is RnsPolynomial.AddInPlace on each component), so
// the sum holds residue by residue exactly as the bytes lie, and no transform is needed.
//
// Positions are drawn independently and uniformly among all P residues of the aggregate, so
// an appliance that alters m of them escapes with probability (1 - m/P)^K. Replacing one
// whole ciphertext (about P / count residues) is caught almost surely at K = 16 when the
// aggregate has a few ciphertexts; one altered residue is caught with probability ~ K/P.

using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.He;

/// <summary>Draws spot-check positions of an aggregate and checks the openings of them.</summary>
public static class AggregateSpotCheck
{
    /// <summary>The number of positions a custodian checks unless configured otherwise.</summary>
    public const int DefaultPositions = 16;

    /// <summary>The most positions one check may ask for, so the openings stay bounded.</summary>
    public const int MaxPositions = 256;

    /// <summary>
    /// Draws <paramref name="count"/> positions uniformly and independently from a CSPRNG.
    /// Call it only after the aggregate is fixed, so the appliance cannot aim at the rest.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="layout"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The count is below 1 or above <see cref="MaxPositions"/>.
    /// </exception>
    public static CoefficientPosition[] DrawPositions(ContributionLayout layout, int count) =>
        DrawPositions(layout, count, random: null);

    /// <summary>
    /// Draws <paramref name="count"/> positions uniformly and independently from
    /// <paramref name="random"/>, or from the operating system's CSPRNG when it is null.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="layout"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The count is below 1 or above <see cref="MaxPositions"/>.
    /// </exception>
    public static CoefficientPosition[] DrawPositions(
        ContributionLayout layout, int count, RandomNumberGenerator? random)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxPositions);
        var positions = new CoefficientPosition[count];
        for (int i = 0; i < positions.Length; i++)
        {
            positions[i] = layout.PositionAt(UniformBelow(layout.PositionCount, random));
        }

        return positions;
    }

    /// <summary>The chunk indices, ascending and distinct, that hold <paramref name="positions"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static int[] ChunksFor(ContributionLayout layout, IEnumerable<CoefficientPosition> positions)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(positions);
        var chunks = new SortedSet<int>();
        foreach (CoefficientPosition position in positions)
        {
            (int first, int last) = layout.ChunksOf(position);
            chunks.Add(first);
            chunks.Add(last);
        }

        return [.. chunks];
    }

    /// <summary>
    /// Checks that <paramref name="aggregate"/> agrees with the sum of the evidenced
    /// contributions at every one of <paramref name="positions"/>, given the appliance's
    /// <paramref name="openings"/> of the chunks <see cref="ChunksFor"/> names.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ProtocolViolationException">
    /// A statement gives another length than the aggregate's contributions have; an opening
    /// is for a client or chunk not asked for, is repeated or missing, or fails its inclusion
    /// proof; a contribution's residue is not below its prime; or the aggregate differs from
    /// the sum at a position.
    /// </exception>
    public static void Verify(
        ContributionLayout layout,
        IReadOnlyList<CoefficientPosition> positions,
        IReadOnlyList<CkksCiphertext> aggregate,
        IReadOnlyList<ContributionEvidence> evidence,
        IReadOnlyList<ContributionOpening> openings)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(openings);
        CheckLengths(layout, evidence);
        Dictionary<(uint Client, int Chunk), byte[]> chunks = CheckOpenings(
            layout, ChunksFor(layout, positions), evidence, openings);

        foreach (CoefficientPosition position in positions)
        {
            ulong sum = SumAt(
                layout,
                position,
                evidence.Select(item => (item.ClientId, (Func<int, ReadOnlyMemory<byte>>)(
                    index => chunks[(item.ClientId, index)]))));

            CkksCiphertext ciphertext = aggregate[position.Ciphertext];
            RnsPolynomial component = position.Component == 0 ? ciphertext.C0 : ciphertext.C1;
            if (component.Residues(position.Residue)[position.Coefficient] != sum)
            {
                throw new ProtocolViolationException(
                    $"The aggregate is not the sum of the evidenced contributions at {Describe(position)}.");
            }
        }
    }

    /// <summary>
    /// The sum modulo its prime of the residues at <paramref name="position"/> of the
    /// <paramref name="contributions"/>, each read from its commitment chunks (whose
    /// verification is the caller's). A custodian and an offline auditor both check an
    /// aggregate's residue against this sum.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ProtocolViolationException">
    /// A contribution's residue is not below its prime.
    /// </exception>
    public static ulong SumAt(
        ContributionLayout layout,
        CoefficientPosition position,
        IEnumerable<(uint ClientId, Func<int, ReadOnlyMemory<byte>> Chunk)> contributions)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(contributions);
        ulong q = layout.ModulusOf(position);
        ulong sum = 0;
        foreach ((uint clientId, Func<int, ReadOnlyMemory<byte>> chunk) in contributions)
        {
            ulong value = layout.Read(chunk, position);
            if (value >= q)
            {
                throw new ProtocolViolationException(
                    $"The contribution of client {clientId} holds a residue not below its prime at " +
                    $"{Describe(position)}.");
            }

            // Both terms are below q < 2^61, so the sum cannot wrap.
            sum = (sum + value) % q;
        }

        return sum;
    }

    /// <summary>A position as a finding or an error names it.</summary>
    public static string Describe(CoefficientPosition position) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"ciphertext {position.Ciphertext}, c{position.Component}, residue {position.Residue}, " +
            $"coefficient {position.Coefficient}");

    private static void CheckLengths(ContributionLayout layout, IReadOnlyList<ContributionEvidence> evidence)
    {
        foreach (ContributionEvidence item in evidence)
        {
            if (item.TotalLength != (ulong)layout.TotalLength)
            {
                throw new ProtocolViolationException(
                    $"Client {item.ClientId} signed a contribution of {item.TotalLength} bytes; this " +
                    $"aggregate's contributions are {layout.TotalLength}.");
            }
        }
    }

    private static Dictionary<(uint Client, int Chunk), byte[]> CheckOpenings(
        ContributionLayout layout,
        int[] wanted,
        IReadOnlyList<ContributionEvidence> evidence,
        IReadOnlyList<ContributionOpening> openings)
    {
        Dictionary<uint, ContributionEvidence> byClient = evidence.ToDictionary(e => e.ClientId);
        var chunks = new Dictionary<(uint Client, int Chunk), byte[]>();
        foreach (ContributionOpening opening in openings)
        {
            if (opening?.Chunk is null || opening.Proof is null || opening.Proof.Any(p => p is null))
            {
                throw new ProtocolViolationException("An opening of a contribution chunk is malformed.");
            }

            if (!byClient.TryGetValue(opening.ClientId, out ContributionEvidence? item)
                || Array.BinarySearch(wanted, opening.ChunkIndex) < 0)
            {
                throw new ProtocolViolationException(
                    $"The appliance opened chunk {opening.ChunkIndex} of client {opening.ClientId}, " +
                    "which was not asked for.");
            }

            if (!chunks.TryAdd((opening.ClientId, opening.ChunkIndex), opening.Chunk))
            {
                throw new ProtocolViolationException(
                    $"The appliance opened chunk {opening.ChunkIndex} of client {opening.ClientId} twice.");
            }

            if (!ContributionCommitment.VerifyChunk(
                opening.Chunk, opening.ChunkIndex, layout.TotalLength, opening.Proof, item.Root))
            {
                throw new ProtocolViolationException(
                    $"Chunk {opening.ChunkIndex} of client {opening.ClientId} does not verify against " +
                    "the root the client signed.");
            }
        }

        int expected = wanted.Length * byClient.Count;
        return chunks.Count == expected
            ? chunks
            : throw new ProtocolViolationException(
                $"The appliance opened {chunks.Count} of the {expected} contribution chunks asked for.");
    }

    // Rejection sampling keeps the draw exactly uniform for any bound. The offline audit
    // draws its mask-mode coordinates here too, so both checks sample alike.
    internal static long UniformBelow(long bound, RandomNumberGenerator? random)
    {
        ulong limit = ulong.MaxValue - (ulong.MaxValue % (ulong)bound);
        Span<byte> bytes = stackalloc byte[8];
        while (true)
        {
            if (random is null)
            {
                RandomNumberGenerator.Fill(bytes);
            }
            else
            {
                random.GetBytes(bytes);
            }

            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            if (value < limit)
            {
                return (long)(value % (ulong)bound);
            }
        }
    }
}
