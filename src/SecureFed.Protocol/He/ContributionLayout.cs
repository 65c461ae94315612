// Where each residue of an HE contribution lies in its byte stream. A contribution is its
// ciphertexts serialized by CkksSerializer (kind 1, c1 packed) and concatenated; each
// residue modulo q_i takes BitCount(q_i) bits, little-endian bit order. The stream is
// committed to in 4096-byte chunks (ContributionCommitment), so a residue of up to 61 bits
// lies in one chunk or straddles the boundary of two.

using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.Contributions;

namespace SecureFed.Protocol.He;

/// <summary>
/// Maps a <see cref="CoefficientPosition"/> to bits of an HE contribution's byte stream and
/// reads the residue there back from the stream or from its commitment chunks.
/// </summary>
public sealed class ContributionLayout
{
    /// <summary>The layout of contributions of <paramref name="ciphertextCount"/> ciphertexts.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The count is below 1.</exception>
    public ContributionLayout(CkksContext context, int ciphertextCount)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(ciphertextCount, 1);
        Context = context;
        CiphertextCount = ciphertextCount;
        CiphertextSize = CkksSerializer.GetCiphertextSize(context);
        TotalLength = (long)ciphertextCount * CiphertextSize;
    }

    /// <summary>The CKKS parameters' context.</summary>
    public CkksContext Context { get; }

    /// <summary>The ciphertexts of one contribution.</summary>
    public int CiphertextCount { get; }

    /// <summary>The bytes of one serialized ciphertext.</summary>
    public int CiphertextSize { get; }

    /// <summary>The bytes of one contribution, as its signed statement must give them.</summary>
    public long TotalLength { get; }

    /// <summary>The residues of one contribution.</summary>
    public long PositionCount =>
        (long)CiphertextCount * 2 * Context.ModulusCount * Context.RingDegree;

    /// <summary>The prime that the residue at <paramref name="position"/> is taken modulo.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is out of range.</exception>
    public ulong ModulusOf(CoefficientPosition position) =>
        Context.Moduli[Require(position).Residue].Value;

    /// <summary>
    /// The position numbered <paramref name="index"/> among all <see cref="PositionCount"/>,
    /// in stream order: ciphertext, then component, then residue, then coefficient.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public CoefficientPosition PositionAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, PositionCount);
        int n = Context.RingDegree;
        int coefficient = (int)(index % n);
        index /= n;
        int residue = (int)(index % Context.ModulusCount);
        index /= Context.ModulusCount;
        return new CoefficientPosition((int)(index / 2), (int)(index % 2), residue, coefficient);
    }

    /// <summary>The first bit of the residue at <paramref name="position"/> and its width.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is out of range.</exception>
    public (long BitOffset, int BitCount) Locate(CoefficientPosition position)
    {
        Require(position);
        (long offset, int bits) = CkksSerializer.LocateCiphertextResidue(
            Context, position.Component, position.Residue, position.Coefficient);
        return (offset + (8L * position.Ciphertext * CiphertextSize), bits);
    }

    /// <summary>
    /// The commitment chunks that hold the residue at <paramref name="position"/>: one, or
    /// two when it straddles a chunk boundary.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is out of range.</exception>
    public (int First, int Last) ChunksOf(CoefficientPosition position)
    {
        (long offset, int bits) = Locate(position);
        return ChunkedBits.ChunksOf(offset, bits);
    }

    /// <summary>Reads the residue at <paramref name="position"/> from a whole contribution.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is out of range.</exception>
    /// <exception cref="ArgumentException">The contribution has the wrong length.</exception>
    public ulong Read(ReadOnlySpan<byte> contribution, CoefficientPosition position)
    {
        if (contribution.Length != TotalLength)
        {
            throw new ArgumentException(
                $"A contribution of this layout is {TotalLength} bytes, not {contribution.Length}.",
                nameof(contribution));
        }

        (long offset, int bits) = Locate(position);
        return ChunkedBits.Read(contribution, offset, bits);
    }

    /// <summary>
    /// Reads the residue at <paramref name="position"/> from commitment chunks of a
    /// contribution: <paramref name="chunk"/> returns chunk i's bytes, and is asked only for
    /// the chunks <see cref="ChunksOf"/> names.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is out of range.</exception>
    /// <exception cref="ArgumentException">A chunk is shorter than the residue needs.</exception>
    public ulong Read(Func<int, ReadOnlyMemory<byte>> chunk, CoefficientPosition position)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        (long offset, int bits) = Locate(position);
        return ChunkedBits.Read(chunk, offset, bits);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"ContributionLayout({CiphertextCount} ciphertexts of {CiphertextSize} bytes)";

    private CoefficientPosition Require(CoefficientPosition position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position.Ciphertext, nameof(position));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(
            position.Ciphertext, CiphertextCount, nameof(position));
        return position;
    }
}
