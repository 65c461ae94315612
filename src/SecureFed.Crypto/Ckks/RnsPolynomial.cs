// A polynomial of Z_Q[X]/(X^N + 1) in residue number system form: one row of N residues for
// each prime q_i of the modulus chain (and, for keys, one more for the special prime P, so
// that the polynomial lives modulo Q P), stored prime-major in one array (row i holds the
// coefficients, or the NTT evaluations, modulo q_i). The representation is either the
// coefficient form or the NTT form; products are only defined in NTT form, where they are
// coefficient-wise.

using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A polynomial modulo every prime of a CKKS modulus chain, in coefficient or NTT form.
/// </summary>
/// <remarks>
/// Residues are kept canonical (below their prime). Arithmetic never branches on residue
/// values. Polynomials that hold secrets should be cleared with <see cref="Clear"/> when
/// no longer needed.
/// </remarks>
public sealed class RnsPolynomial
{
    private readonly ulong[] _residues;

    /// <summary>Creates the zero polynomial.</summary>
    /// <param name="context">The parameters' context.</param>
    /// <param name="isNttForm">Whether the rows hold NTT evaluations.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public RnsPolynomial(CkksContext context, bool isNttForm)
        : this(context, isNttForm, atKeyLevel: false)
    {
    }

    /// <summary>Creates the zero polynomial modulo Q, or modulo Q P for a key.</summary>
    /// <param name="context">The parameters' context.</param>
    /// <param name="isNttForm">Whether the rows hold NTT evaluations.</param>
    /// <param name="atKeyLevel">Whether to add the special prime's row.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public RnsPolynomial(CkksContext context, bool isNttForm, bool atKeyLevel)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        IsNttForm = isNttForm;
        ModulusCount = atKeyLevel ? context.KeyModulusCount : context.ModulusCount;
        _residues = new ulong[context.RingDegree * ModulusCount];
    }

    /// <summary>The context of the parameters the polynomial belongs to.</summary>
    public CkksContext Context { get; }

    /// <summary>True when the rows hold NTT evaluations rather than coefficients.</summary>
    public bool IsNttForm { get; private set; }

    /// <summary>The ring degree N, the length of each row.</summary>
    public int RingDegree => Context.RingDegree;

    /// <summary>
    /// The number of rows, one per prime: the chain's primes, and the special prime too
    /// when <see cref="IsKeyLevel"/>.
    /// </summary>
    public int ModulusCount { get; }

    /// <summary>True when the polynomial lives modulo Q P rather than Q.</summary>
    public bool IsKeyLevel => ModulusCount == Context.KeyModulusCount;

    /// <summary>All rows, prime-major: row i is entries [i N, (i + 1) N).</summary>
    internal Span<ulong> AllResidues => _residues;

    /// <summary>Row <paramref name="primeIndex"/>: the residues modulo q_i.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public Span<ulong> Residues(int primeIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(primeIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(primeIndex, ModulusCount);
        return _residues.AsSpan(primeIndex * RingDegree, RingDegree);
    }

    /// <summary>Row <paramref name="primeIndex"/>, without the range check.</summary>
    internal Span<ulong> Row(int primeIndex) =>
        _residues.AsSpan(primeIndex * RingDegree, RingDegree);

    /// <summary>Returns a copy of this polynomial.</summary>
    public RnsPolynomial Clone()
    {
        var copy = new RnsPolynomial(Context, IsNttForm, IsKeyLevel);
        _residues.CopyTo(copy._residues, 0);
        return copy;
    }

    /// <summary>Overwrites this polynomial with <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException">The parameters or levels differ.</exception>
    public void CopyFrom(RnsPolynomial source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Context.RequireSame(source.Context, nameof(source));
        RequireSameLevel(source, nameof(source));
        source._residues.CopyTo(_residues, 0);
        IsNttForm = source.IsNttForm;
    }

    /// <summary>Sets every residue to zero, wiping any secret the polynomial held.</summary>
    public void Clear() =>
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_residues.AsSpan()));

    /// <summary>
    /// Sets the polynomial, in coefficient form, to the small signed coefficients
    /// <paramref name="coefficients"/>, reduced into every row.
    /// </summary>
    /// <exception cref="ArgumentException">The span is not N long.</exception>
    public void SetSmallCoefficients(ReadOnlySpan<long> coefficients)
    {
        RequireLength(coefficients.Length, nameof(coefficients));
        for (int i = 0; i < ModulusCount; i++)
        {
            Modulus modulus = Context.ModulusAt(i);
            ulong q = modulus.Value;
            Span<ulong> row = Row(i);
            for (int j = 0; j < row.Length && j < coefficients.Length; j++)
            {
                row[j] = ReduceSigned(coefficients[j], modulus, q);
            }
        }

        IsNttForm = false;
    }

    /// <summary>Transforms every row to NTT form; does nothing if already there.</summary>
    public void ToNttForm()
    {
        if (IsNttForm)
        {
            return;
        }

        for (int i = 0; i < ModulusCount; i++)
        {
            Ntt.ForwardCore(Row(i), Context.NttTablesAt(i));
        }

        IsNttForm = true;
    }

    /// <summary>Transforms every row to coefficient form; does nothing if already there.</summary>
    public void ToCoefficientForm()
    {
        if (!IsNttForm)
        {
            return;
        }

        for (int i = 0; i < ModulusCount; i++)
        {
            Ntt.InverseCore(Row(i), Context.NttTablesAt(i));
        }

        IsNttForm = false;
    }

    /// <summary>Adds <paramref name="other"/> into this polynomial.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    /// <exception cref="ArgumentException">The parameters or the forms differ.</exception>
    public void AddInPlace(RnsPolynomial other)
    {
        RequireCompatible(other, nameof(other));
        for (int i = 0; i < ModulusCount; i++)
        {
            RnsKernels.Add(Row(i), other.Row(i), Context.ModulusAt(i).Value);
        }
    }

    /// <summary>Subtracts <paramref name="other"/> from this polynomial.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    /// <exception cref="ArgumentException">The parameters or the forms differ.</exception>
    public void SubtractInPlace(RnsPolynomial other)
    {
        RequireCompatible(other, nameof(other));
        for (int i = 0; i < ModulusCount; i++)
        {
            RnsKernels.Subtract(Row(i), other.Row(i), Context.ModulusAt(i).Value);
        }
    }

    /// <summary>Replaces this polynomial by its negation.</summary>
    public void NegateInPlace()
    {
        for (int i = 0; i < ModulusCount; i++)
        {
            RnsKernels.Negate(Row(i), Context.ModulusAt(i).Value);
        }
    }

    /// <summary>
    /// Multiplies this polynomial by <paramref name="other"/>; both must be in NTT form.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The parameters differ or an operand is not in NTT form.
    /// </exception>
    public void MultiplyInPlace(RnsPolynomial other)
    {
        RequireCompatible(other, nameof(other));
        RequireNttForm(nameof(other));
        for (int i = 0; i < ModulusCount; i++)
        {
            RnsKernels.Multiply(Row(i), other.Row(i), Context.ModulusAt(i));
        }
    }

    /// <summary>
    /// Adds the product <paramref name="a"/> * <paramref name="b"/> into this polynomial;
    /// all three must be in NTT form.
    /// </summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">
    /// The parameters differ or an operand is not in NTT form.
    /// </exception>
    public void MultiplyAddInPlace(RnsPolynomial a, RnsPolynomial b)
    {
        RequireCompatible(a, nameof(a));
        RequireCompatible(b, nameof(b));
        RequireNttForm(nameof(a));
        for (int i = 0; i < ModulusCount; i++)
        {
            RnsKernels.MultiplyAdd(Row(i), a.Row(i), b.Row(i), Context.ModulusAt(i));
        }
    }

    /// <summary>
    /// Multiplies every coefficient by the integer <paramref name="factor"/>, in either form.
    /// </summary>
    public void MultiplyByIntegerInPlace(long factor)
    {
        for (int i = 0; i < ModulusCount; i++)
        {
            Modulus modulus = Context.ModulusAt(i);
            ulong w = ReduceSigned(factor, modulus, modulus.Value);
            RnsKernels.MultiplyScalar(Row(i), w, modulus);
        }
    }

    /// <summary>
    /// Multiplies row i by <paramref name="factors"/>[i], a residue below q_i, in either form.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// There is not one factor per prime, or a factor is not below its prime.
    /// </exception>
    public void MultiplyByResiduesInPlace(ReadOnlySpan<ulong> factors)
    {
        if (factors.Length != ModulusCount)
        {
            throw new ArgumentException(
                $"Expected {ModulusCount} factors, got {factors.Length}.", nameof(factors));
        }

        for (int i = 0; i < ModulusCount; i++)
        {
            Modulus modulus = Context.ModulusAt(i);
            if (factors[i] >= modulus.Value)
            {
                throw new ArgumentException(
                    "A factor is not below its prime.", nameof(factors));
            }

            RnsKernels.MultiplyScalar(Row(i), factors[i], modulus);
        }
    }

    /// <summary>
    /// Returns the first <see cref="CkksContext.ModulusCount"/> rows, modulo Q, as a new
    /// polynomial: a key-level polynomial reduced to the ciphertext level.
    /// </summary>
    public RnsPolynomial ToCiphertextLevel()
    {
        var copy = new RnsPolynomial(Context, IsNttForm, atKeyLevel: false);
        _residues.AsSpan(0, copy._residues.Length).CopyTo(copy._residues);
        return copy;
    }

    /// <summary>True when the other polynomial has the same parameters, form and residues.</summary>
    /// <remarks>The comparison takes the same time wherever the residues differ.</remarks>
    public bool ContentEquals(RnsPolynomial other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Context.Parameters.Equals(other.Context.Parameters)
            && IsNttForm == other.IsNttForm
            && ModulusCount == other.ModulusCount
            && CryptographicOperations.FixedTimeEquals(
                MemoryMarshal.AsBytes(_residues.AsSpan()),
                MemoryMarshal.AsBytes(
                    other._residues.AsSpan()));
    }

    /// <summary>Sets the representation flag after rows were written directly.</summary>
    internal void MarkForm(bool isNttForm) => IsNttForm = isNttForm;

    /// <summary>Reduces a signed integer into [0, q) without branching on it.</summary>
    internal static ulong ReduceSigned(long value, Modulus modulus, ulong q)
    {
        unchecked
        {
            // |value| reduced, then negated modulo q when the sign bit is set.
            ulong sign = (ulong)(value >> 63);
            ulong magnitude = ((ulong)value ^ sign) - sign;
            ulong reduced = modulus.Reduce(magnitude);
            ulong negated = modulus.Negate(reduced);
            return (negated & sign) | (reduced & ~sign);
        }
    }

    private void RequireCompatible(RnsPolynomial other, string paramName)
    {
        ArgumentNullException.ThrowIfNull(other, paramName);
        Context.RequireSame(other.Context, paramName);
        RequireSameLevel(other, paramName);
        if (other.IsNttForm != IsNttForm)
        {
            throw new ArgumentException(
                "The operands are in different forms (NTT and coefficient).", paramName);
        }
    }

    private void RequireSameLevel(RnsPolynomial other, string paramName)
    {
        if (other.ModulusCount != ModulusCount)
        {
            throw new ArgumentException(
                "The operands live modulo different products of primes (key and ciphertext " +
                "levels).", paramName);
        }
    }

    private void RequireNttForm(string paramName)
    {
        if (!IsNttForm)
        {
            throw new ArgumentException("Products need both operands in NTT form.", paramName);
        }
    }

    private void RequireLength(int length, string paramName)
    {
        if (length != RingDegree)
        {
            throw new ArgumentException(
                $"Expected {RingDegree} coefficients, got {length}.", paramName);
        }
    }
}
