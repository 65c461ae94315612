// Chinese remaindering of RNS residues back to the centred integer modulo Q = q_0 ... q_(k-1),
// by Garner's mixed-radix algorithm (Garner 1959, "The residue number system", IRE Trans.
// Electronic Computers EC-8; Knuth, TAOCP vol. 2, 4.3.2): x = v_0 + v_1 q_0 + v_2 q_0 q_1
// + ... with digits v_i < q_i, from k (k - 1) / 2 Shoup products with the precomputed
// inverses q_j^-1 mod q_i. The digits decide the sign of the centred value by comparison
// with those of (Q - 1) / 2 and, complemented, give Q - x; the magnitude is then assembled
// exactly in 64-bit limbs by Horner's rule and rounded once to a double. This replaces the
// CRT sum of Cheon, Han, Kim, Kim, Song 2018 ("A full RNS variant of approximate homomorphic
// encryption", SAC 2018) and Microsoft SEAL's RNSBase::compose, whose k products by
// (k - 1)-limb cofactors and final reduction modulo Q cost more. Sizes: k from 1 to 64 primes
// below 2^61, so Q has at most 3904 bits (61 limbs).

using System.Buffers;
using System.Numerics;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// Composes the residues of a coefficient modulo every prime of a chain into its centred
/// value modulo Q, in (-Q/2, Q/2), as exact limbs or as a double. Immutable and thread-safe.
/// </summary>
internal sealed class RnsComposer
{
    // The window is below 2^64, so 2^e times it stays finite for e up to 1023 - 64.
    private const int MaxFastExponent = 1023 - 64;

    // Coefficients composed together: k rows of this many stay in the first-level cache.
    private const int BlockLength = 256;

    private readonly CkksContext _context;
    private readonly Modulus[] _moduli;
    private readonly ulong[] _primes;
    private readonly int _count;
    private readonly int _limbs;

    // Entry i k + j, for j < i: q_j^-1 mod q_i and its Shoup quotient.
    private readonly ulong[] _garnerInverses;
    private readonly ulong[] _garnerInversesShoup;

    // A multiple of q_i of at least 2^61, added before subtracting a digit below 2^61 so
    // that the difference stays non-negative and below 2^63.
    private readonly ulong[] _lifts;

    // The mixed-radix digits of (Q - 1) / 2, the largest non-negative centred value.
    private readonly ulong[] _halfDigits;

    /// <summary>Precomputes the Garner constants of <paramref name="context"/>'s chain.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public RnsComposer(CkksContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _moduli = context.Moduli.ToArray();
        _count = _moduli.Length;
        _primes = _moduli.Select(modulus => modulus.Value).ToArray();

        BigInteger modulusValue = BigInteger.One;
        foreach (ulong prime in _primes)
        {
            modulusValue *= prime;
        }

        ModulusValue = modulusValue;
        _limbs = (int)((modulusValue.GetBitLength() + 63) / 64);

        _garnerInverses = new ulong[_count * _count];
        _garnerInversesShoup = new ulong[_count * _count];
        _lifts = new ulong[_count];
        for (int i = 0; i < _count; i++)
        {
            Modulus modulus = _moduli[i];
            for (int j = 0; j < i; j++)
            {
                ulong inverse = modulus.Inverse(modulus.Reduce(_primes[j]));
                _garnerInverses[(i * _count) + j] = inverse;
                _garnerInversesShoup[(i * _count) + j] = modulus.ShoupPrecompute(inverse);
            }

            _lifts[i] = ((1UL << Modulus.MaxBitCount) / _primes[i] + 1) * _primes[i];
        }

        _halfDigits = new ulong[_count];
        BigInteger rest = (modulusValue - 1) / 2;
        for (int i = 0; i < _count; i++)
        {
            _halfDigits[i] = (ulong)(rest % _primes[i]);
            rest /= _primes[i];
        }
    }

    /// <summary>The number of 64-bit limbs of Q, and of a composed magnitude.</summary>
    public int LimbCount => _limbs;

    /// <summary>Q, the product of the chain's primes.</summary>
    public BigInteger ModulusValue { get; }

    /// <summary>
    /// Writes the centred value of every coefficient of <paramref name="coefficientForm"/>
    /// to <paramref name="destination"/> as a double, correctly rounded (relative error at
    /// most 2^-53): the top 64 bits of the exact magnitude, with a sticky bit for the rest,
    /// are rounded once.
    /// </summary>
    /// <exception cref="ArgumentNullException">The polynomial is null.</exception>
    /// <exception cref="ArgumentException">
    /// The polynomial is in NTT form, of other parameters or at key level, or the
    /// destination is not N long.
    /// </exception>
    public void ComposeToDouble(RnsPolynomial coefficientForm, Span<double> destination)
    {
        RequireCoefficientForm(coefficientForm);
        int n = coefficientForm.RingDegree;
        if (destination.Length != n)
        {
            throw new ArgumentException(
                $"Expected a destination of {n} values, got {destination.Length}.",
                nameof(destination));
        }

        ReadOnlySpan<ulong> all = coefficientForm.AllResidues;
        if (_count == 1)
        {
            // One prime: the residue is the value, centred by one comparison.
            ulong q = _primes[0];
            ulong half = _halfDigits[0];
            for (int j = 0; j < n; j++)
            {
                ulong r = all[j];
                destination[j] = r > half ? -(double)(q - r) : r;
            }

            return;
        }

        // Garner's recurrence is serial within a coefficient, so it runs row by row over a
        // block of coefficients, where the products are independent and pipeline well.
        int block = Math.Min(n, BlockLength);
        ulong[] scratch = ArrayPool<ulong>.Shared.Rent(_count * block);
        try
        {
            Span<ulong> digits = stackalloc ulong[_count];
            Span<ulong> magnitude = stackalloc ulong[_limbs];
            for (int start = 0; start < n; start += block)
            {
                int length = Math.Min(block, n - start);
                Span<ulong> rows = scratch.AsSpan(0, _count * block);
                for (int i = 0; i < _count; i++)
                {
                    all.Slice((i * n) + start, length).CopyTo(rows.Slice(i * block, length));
                }

                ComputeDigitRows(rows, block, length);
                for (int t = 0; t < length; t++)
                {
                    for (int i = 0; i < _count; i++)
                    {
                        digits[i] = rows[(i * block) + t];
                    }

                    bool negative = FinishFromDigits(digits, magnitude);
                    double value = ToDouble(magnitude);
                    destination[start + t] = negative ? -value : value;
                }
            }
        }
        finally
        {
            // The digits determine the plaintext, which may be one client's.
            ArrayPool<ulong>.Shared.Return(scratch, clearArray: true);
        }
    }

    /// <summary>
    /// Composes one coefficient, given by its residue modulo each prime in chain order, into
    /// the magnitude of its centred value; returns true when that value is negative.
    /// </summary>
    /// <param name="residues">One canonical residue per prime.</param>
    /// <param name="magnitude">
    /// <see cref="LimbCount"/> limbs that receive |x|, little-endian.
    /// </param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public bool ComposeCentred(ReadOnlySpan<ulong> residues, Span<ulong> magnitude)
    {
        if (residues.Length != _count || magnitude.Length != _limbs)
        {
            throw new ArgumentException(
                $"Expected {_count} residues and {_limbs} limbs for the magnitude.",
                nameof(residues));
        }

        Span<ulong> digits = stackalloc ulong[_count];
        residues.CopyTo(digits);
        ComputeDigitRows(digits, 1, 1);
        return FinishFromDigits(digits, magnitude);
    }

    /// <summary>
    /// Converts a little-endian magnitude to the nearest double (ties to even), rounding the
    /// top 64 bits once with a sticky bit for the rest.
    /// </summary>
    public static double ToDouble(ReadOnlySpan<ulong> magnitude)
    {
        int top = magnitude.Length - 1;
        while (top >= 0 && magnitude[top] == 0)
        {
            top--;
        }

        if (top <= 0)
        {
            return top < 0 ? 0.0 : magnitude[0];
        }

        // Bit 63 of the window is set, so the window's 64 bits are more than the 53 + 2 a
        // correctly rounded conversion needs; a set bit anywhere below forces it off a tie.
        int shift = BitOperations.LeadingZeroCount(magnitude[top]);
        ulong window = magnitude[top];
        ulong below = magnitude[top - 1];
        if (shift > 0)
        {
            window = (window << shift) | (below >> (64 - shift));
            below <<= shift;
        }

        bool sticky = below != 0;
        for (int l = top - 2; l >= 0 && !sticky; l--)
        {
            sticky = magnitude[l] != 0;
        }

        window |= sticky ? 1UL : 0UL;

        // Multiplying by an exact power of two that cannot overflow is exact and much
        // cheaper than ScaleB, which is left for magnitudes near the top of the doubles.
        int exponent = (64 * top) - shift;
        if (exponent <= MaxFastExponent)
        {
            return window * BitConverter.Int64BitsToDouble((long)(exponent + 1023) << 52);
        }

        return Math.ScaleB(window, exponent);
    }

    /// <summary>
    /// Turns residues into mixed-radix digits in place for <paramref name="length"/>
    /// coefficients: row i (entries [i stride, i stride + length)) holds the residues modulo
    /// q_i and receives the digits v_i.
    /// </summary>
    private void ComputeDigitRows(Span<ulong> rows, int stride, int length)
    {
        int count = _count;

        // v_i = (...((r_i - v_0) q_0^-1 - v_1) q_1^-1 ... - v_(i-1)) q_(i-1)^-1 mod q_i.
        // Every operand is bounded (digits below 2^61, lifted differences below 2^63), so
        // the overflow checks this project enables are dropped here.
        unchecked
        {
            for (int i = 1; i < count; i++)
            {
                Modulus modulus = _moduli[i];
                ulong lift = _lifts[i];
                Span<ulong> target = rows.Slice(i * stride, length);
                for (int j = 0; j < i; j++)
                {
                    ulong inverse = _garnerInverses[(i * count) + j];
                    ulong inverseShoup = _garnerInversesShoup[(i * count) + j];
                    ReadOnlySpan<ulong> previous = rows.Slice(j * stride, length);
                    for (int t = 0; t < target.Length; t++)
                    {
                        target[t] = modulus.MultiplyShoup(
                            target[t] + lift - previous[t], inverse, inverseShoup);
                    }
                }
            }
        }
    }

    /// <summary>
    /// From the mixed-radix digits of x in [0, Q), fills the magnitude of its centred value
    /// and returns its sign. Overwrites <paramref name="digits"/>.
    /// </summary>
    private bool FinishFromDigits(Span<ulong> digits, Span<ulong> magnitude)
    {
        int count = _count;
        ReadOnlySpan<ulong> primes = _primes;

        // Mixed-radix numbers compare like their digit strings, most significant first.
        bool negative = false;
        for (int i = count - 1; i >= 0; i--)
        {
            if (digits[i] != _halfDigits[i])
            {
                negative = digits[i] > _halfDigits[i];
                break;
            }
        }

        // Q - 1 has every digit q_i - 1, so Q - 1 - x has digits q_i - 1 - v_i, no borrows.
        if (negative)
        {
            for (int i = 0; i < count; i++)
            {
                digits[i] = primes[i] - 1 - digits[i];
            }
        }

        // Horner from the most significant digit: m = m q_i + v_i, exactly.
        magnitude.Clear();
        magnitude[0] = digits[count - 1];
        int used = 1;
        for (int i = count - 2; i >= 0; i--)
        {
            ulong carry = digits[i];
            ulong prime = primes[i];
            for (int l = 0; l < used; l++)
            {
                ulong high = Math.BigMul(magnitude[l], prime, out ulong low);
                low = unchecked(low + carry);
                high += low < carry ? 1UL : 0UL;
                magnitude[l] = low;
                carry = high;
            }

            if (carry != 0)
            {
                magnitude[used++] = carry;
            }
        }

        // Q - x = (Q - 1 - x) + 1, still below Q, so the carry dies within the limbs.
        if (negative)
        {
            for (int l = 0; l < magnitude.Length; l++)
            {
                magnitude[l] = unchecked(magnitude[l] + 1);
                if (magnitude[l] != 0)
                {
                    break;
                }
            }
        }

        return negative;
    }

    private void RequireCoefficientForm(RnsPolynomial polynomial)
    {
        ArgumentNullException.ThrowIfNull(polynomial);
        _context.RequireSame(polynomial.Context, nameof(polynomial));
        if (polynomial.ModulusCount != _count)
        {
            throw new ArgumentException(
                "Composition needs one row per prime of the modulus chain, no more.",
                nameof(polynomial));
        }

        if (polynomial.IsNttForm)
        {
            throw new ArgumentException(
                "Composition needs the polynomial in coefficient form.", nameof(polynomial));
        }
    }
}
