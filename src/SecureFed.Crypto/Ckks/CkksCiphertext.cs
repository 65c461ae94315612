using System.Globalization;
using System.Security.Cryptography;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A CKKS ciphertext (c0, c1) in NTT form: c0 + c1 * s decrypts to the plaintext plus a
/// small error. Carries the scale and encoding of the plaintext it hides.
/// </summary>
/// <remarks>
/// A ciphertext made by secret-key encryption keeps the 32-byte seed its c1 was expanded
/// from, so that it serializes to about half the size; any operation that changes c1
/// drops the seed.
/// </remarks>
public sealed class CkksCiphertext
{
    /// <summary>The size of the seed c1 is expanded from.</summary>
    public const int SeedSize = 32;

    private byte[]? _c1Seed;

    /// <summary>Wraps two polynomials in NTT form.</summary>
    /// <exception cref="ArgumentNullException">A polynomial is null.</exception>
    /// <exception cref="ArgumentException">
    /// The polynomials belong to different parameters or are not in NTT form.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The scale is not finite and at least 1, or the encoding is unknown.
    /// </exception>
    public CkksCiphertext(RnsPolynomial c0, RnsPolynomial c1, double scale, CkksEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(c0);
        ArgumentNullException.ThrowIfNull(c1);
        c0.Context.RequireSame(c1.Context, nameof(c1));
        ValidateScale(scale, nameof(scale));
        ValidateEncoding(encoding, nameof(encoding));
        if (!c0.IsNttForm || !c1.IsNttForm)
        {
            throw new ArgumentException("A ciphertext is kept in NTT form.", nameof(c0));
        }

        C0 = c0;
        C1 = c1;
        Scale = scale;
        Encoding = encoding;
    }

    /// <summary>The first component, c0.</summary>
    public RnsPolynomial C0 { get; }

    /// <summary>The second component, c1, which meets the secret key in decryption.</summary>
    public RnsPolynomial C1 { get; }

    /// <summary>The scale of the hidden plaintext.</summary>
    public double Scale { get; private set; }

    /// <summary>The encoding of the hidden plaintext.</summary>
    public CkksEncoding Encoding { get; }

    /// <summary>The context of the ciphertext's parameters.</summary>
    public CkksContext Context => C0.Context;

    /// <summary>
    /// The seed c1 was expanded from, when the ciphertext came from secret-key encryption
    /// and c1 has not changed since; otherwise empty.
    /// </summary>
    public ReadOnlySpan<byte> C1Seed => _c1Seed;

    /// <summary>Returns a deep copy, seed included.</summary>
    public CkksCiphertext Clone()
    {
        var copy = new CkksCiphertext(C0.Clone(), C1.Clone(), Scale, Encoding);
        copy._c1Seed = _c1Seed is null ? null : (byte[])_c1Seed.Clone();
        return copy;
    }

    /// <summary>
    /// SHA-256 over the parameter id and c1: what a decryption share depends on, and so what
    /// a custodian remembers to refuse a second share.
    /// </summary>
    public byte[] ComputeC1Digest()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("SecureFed CKKS c1 v1"u8);
        hash.AppendData(Context.Parameters.ParameterId);
        hash.AppendData(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(C1.AllResidues));
        return hash.GetHashAndReset();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"CkksCiphertext({Encoding}, scale 2^{Math.Log2(Scale):F1}, " +
            $"N={Context.RingDegree}, {Context.ModulusCount} primes)");

    /// <summary>Records the seed c1 was expanded from.</summary>
    internal void SetC1Seed(ReadOnlySpan<byte> seed) => _c1Seed = seed.ToArray();

    /// <summary>Forgets the seed after c1 changed.</summary>
    internal void DropC1Seed() => _c1Seed = null;

    /// <summary>Sets the scale after a product by a plaintext.</summary>
    internal void SetScale(double scale) => Scale = scale;

    internal static void ValidateScale(double scale, string paramName)
    {
        if (!double.IsFinite(scale) || scale < 1)
        {
            throw new ArgumentOutOfRangeException(
                paramName, scale, "The scale must be finite and at least 1.");
        }
    }

    internal static void ValidateEncoding(CkksEncoding encoding, string paramName)
    {
        if (encoding is not (CkksEncoding.Slots or CkksEncoding.Coefficients))
        {
            throw new ArgumentOutOfRangeException(
                paramName, encoding, "Unknown CKKS encoding.");
        }
    }
}
