// The precomputed state one set of CKKS parameters needs: a Modulus (Barrett constants) and
// NTT tables for each prime of the chain. At N = 8192 with three primes this is about
// 0.8 MiB; it is built once and shared by every key, encoder and ciphertext.

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
        ulong[] primes = parameters.CopyPrimes();
        _moduli = new Modulus[primes.Length];
        _nttTables = new NttTables[primes.Length];
        Parallel.For(0, primes.Length, i =>
        {
            _moduli[i] = new Modulus(primes[i]);
            _nttTables[i] = new NttTables(parameters.RingDegree, _moduli[i]);
        });
    }

    /// <summary>The parameters these tables belong to.</summary>
    public CkksParameters Parameters { get; }

    /// <summary>The ring degree N.</summary>
    public int RingDegree => Parameters.RingDegree;

    /// <summary>The number of primes in the modulus chain.</summary>
    public int ModulusCount => _moduli.Length;

    /// <summary>The moduli of the chain, in chain order.</summary>
    public IReadOnlyList<Modulus> Moduli => _moduli;

    /// <summary>The NTT tables of each prime, in chain order.</summary>
    public IReadOnlyList<NttTables> NttTables => _nttTables;

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
