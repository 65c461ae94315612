// The precomputed state one set of CKKS parameters needs: a Modulus (Barrett constants) and
// NTT tables for each prime of the chain and for the special prime, and the constants that
// divide by the special prime. At N = 8192 with four primes this is about 1 MiB; it is built
// once and shared by every key, encoder and ciphertext.

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// The moduli and NTT tables of one <see cref="CkksParameters"/>. Immutable and safe to share
/// between threads; build one per parameter set and reuse it.
/// </summary>
public sealed class CkksContext
{
    private readonly Modulus[] _moduli;
    private readonly NttTables[] _nttTables;

    /// <summary>Builds the tables for <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    public CkksContext(CkksParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        ulong[] primes = parameters.CopyKeyPrimes();
        _moduli = new Modulus[primes.Length];
        _nttTables = new NttTables[primes.Length];
        Parallel.For(0, primes.Length, i =>
        {
            _moduli[i] = new Modulus(primes[i]);
            _nttTables[i] = new NttTables(parameters.RingDegree, _moduli[i]);
        });

        // P mod q_i and P^-1 mod q_i for each chain prime, with Shoup quotients.
        ulong special = parameters.SpecialPrime;
        int count = parameters.ModulusCount;
        SpecialPrimeResidues = new ulong[count];
        SpecialPrimeResiduesShoup = new ulong[count];
        SpecialPrimeInverses = new ulong[count];
        SpecialPrimeInversesShoup = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            Modulus modulus = _moduli[i];
            ulong residue = modulus.Reduce(special);
            ulong inverse = modulus.Inverse(residue);
            SpecialPrimeResidues[i] = residue;
            SpecialPrimeResiduesShoup[i] = modulus.ShoupPrecompute(residue);
            SpecialPrimeInverses[i] = inverse;
            SpecialPrimeInversesShoup[i] = modulus.ShoupPrecompute(inverse);
        }
    }

    /// <summary>The parameters these tables belong to.</summary>
    public CkksParameters Parameters { get; }

    /// <summary>The ring degree N.</summary>
    public int RingDegree => Parameters.RingDegree;

    /// <summary>
    /// The number of primes in the modulus chain: the rows of a ciphertext or plaintext.
    /// </summary>
    public int ModulusCount => _moduli.Length - 1;

    /// <summary>
    /// The number of primes keys live modulo, the special prime included: the rows of a
    /// secret or public key.
    /// </summary>
    public int KeyModulusCount => _moduli.Length;

    /// <summary>The moduli of the chain, without the special prime's.</summary>
    public IReadOnlyList<Modulus> Moduli => new ArraySegment<Modulus>(_moduli, 0, ModulusCount);

    /// <summary>The modulus of the special prime P.</summary>
    public Modulus SpecialModulus => _moduli[^1];

    /// <summary>The NTT tables of each chain prime, in the order of <see cref="Moduli"/>.</summary>
    public IReadOnlyList<NttTables> NttTables =>
        new ArraySegment<NttTables>(_nttTables, 0, ModulusCount);

    /// <summary>P mod q_i for each chain prime.</summary>
    internal ulong[] SpecialPrimeResidues { get; }

    /// <summary>Shoup quotients of <see cref="SpecialPrimeResidues"/>.</summary>
    internal ulong[] SpecialPrimeResiduesShoup { get; }

    /// <summary>P^-1 mod q_i for each chain prime.</summary>
    internal ulong[] SpecialPrimeInverses { get; }

    /// <summary>Shoup quotients of <see cref="SpecialPrimeInverses"/>.</summary>
    internal ulong[] SpecialPrimeInversesShoup { get; }

    /// <summary>The modulus of prime <paramref name="index"/>, without a copy.</summary>
    internal Modulus ModulusAt(int index) => _moduli[index];

    /// <summary>The NTT tables of prime <paramref name="index"/>, without a copy.</summary>
    internal NttTables NttTablesAt(int index) => _nttTables[index];

    /// <summary>Throws unless <paramref name="other"/> has the same parameters.</summary>
    internal void RequireSame(CkksContext other, string paramName)
    {
        if (!ReferenceEquals(this, other) && !Parameters.Equals(other.Parameters))
        {
            throw new ArgumentException(
                "The operands belong to different CKKS parameters.", paramName);
        }
    }
}
