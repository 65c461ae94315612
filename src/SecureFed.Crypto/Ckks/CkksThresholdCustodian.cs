// Threshold decryption by one custodian (Mouchet et al. 2021, PETS 2021, with Shamir
// shares): for a ciphertext (c0, c1) and a set P of at least t custodians, custodian j
// returns d_j = lambda_j S_j c1 + e_j, where lambda_j is its Lagrange coefficient at zero
// over P and e_j is flooding noise. Then c0 + sum over P of d_j = m + e + sum e_j, since
// sum lambda_j S_j = s.
//
// Flooding: e_j is uniform on [-2^b, 2^b) with b = 41 by default, standard deviation
// 2^41 / sqrt(3), about 1.15 * 2^40; b may be raised to 61. The smudging lemma bounds what
// d_j reveals of S_j by the ratio of the ciphertext's own error to 2^b. With a scale of
// about 2^80 the sum of t such terms stays far below the scale, so integer sums decode
// exactly.
//
// A custodian answers at most once for a given c1, whatever the c0 or participant set: two
// shares for the same c1 with independent noise would let their difference cancel S_j c1
// and average the flooding away.
// Limitation: the rule cannot see related requests: shares for c1 and c1 + k would differ
// by k lambda_j S_j plus noise, so the custodian must also check that the ciphertext is the
// sum of signed contributions (the aggregate's evidence) before it calls this class.

using System.Security.Cryptography;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A custodian holding a threshold key share, producing flooded decryption shares and
/// refusing a second share for the same ciphertext. Thread-safe.
/// </summary>
public sealed class CkksThresholdCustodian
{
    /// <summary>The default and smallest flooding exponent b (noise uniform on [-2^b, 2^b)).</summary>
    public const int MinFloodingBits = 41;

    /// <summary>The largest flooding exponent b.</summary>
    public const int MaxFloodingBits = 61;

    private readonly CkksThresholdKeyShare _keyShare;
    private readonly HashSet<string> _answered = [];
    private readonly Lock _lock = new();

    /// <summary>A custodian over <paramref name="keyShare"/>; the caller keeps ownership.</summary>
    /// <param name="keyShare">This custodian's share of the collective secret.</param>
    /// <param name="floodingBits">
    /// b, from 41 (standard deviation about 1.15 * 2^40) to 61.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="keyShare"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The flooding exponent is out of range.</exception>
    public CkksThresholdCustodian(CkksThresholdKeyShare keyShare, int floodingBits = MinFloodingBits)
    {
        ArgumentNullException.ThrowIfNull(keyShare);
        ArgumentOutOfRangeException.ThrowIfLessThan(floodingBits, MinFloodingBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(floodingBits, MaxFloodingBits);
        _keyShare = keyShare;
        FloodingBits = floodingBits;
    }

    /// <summary>This custodian's id.</summary>
    public int CustodianId => _keyShare.CustodianId;

    /// <summary>The flooding exponent b.</summary>
    public int FloodingBits { get; }

    /// <summary>The standard deviation of the flooding noise, 2^b / sqrt(3).</summary>
    public double FloodingStandardDeviation => Math.ScaleB(1, FloodingBits) / Math.Sqrt(3);

    /// <summary>
    /// Returns this custodian's decryption share of <paramref name="ciphertext"/> for the
    /// custodians <paramref name="participants"/>.
    /// </summary>
    /// <param name="ciphertext">The aggregate to decrypt.</param>
    /// <param name="participants">At least t distinct committee members, this one included.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// The ciphertext has other parameters, or the participant set is invalid.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// This custodian already made a share for a ciphertext with the same c1.
    /// </exception>
    public CkksDecryptionShare CreateDecryptionShare(
        CkksCiphertext ciphertext, IEnumerable<int> participants)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        CkksContext context = _keyShare.Context;
        context.RequireSame(ciphertext.Context, nameof(ciphertext));
        int[] set = _keyShare.Committee.ValidateParticipants(participants, nameof(participants));
        if (Array.IndexOf(set, CustodianId) < 0)
        {
            throw new ArgumentException(
                "The participants must include this custodian.", nameof(participants));
        }

        // The digest is claimed before any secret is touched, so that two concurrent
        // requests for the same c1 cannot both get through.
        byte[] digest = ciphertext.ComputeC1Digest();
        string key = Convert.ToHexString(digest);
        lock (_lock)
        {
            if (!_answered.Add(key))
            {
                throw new InvalidOperationException(
                    "This custodian already made a decryption share for this ciphertext.");
            }
        }

        ulong[] lambda = CkksCommittee.LagrangeAtZero(context, CustodianId, set);
        RnsPolynomial share = SampleFloodingNtt(context, FloodingBits);
        RnsPolynomial product = _keyShare.Polynomial.Clone();
        try
        {
            product.MultiplyByResiduesInPlace(lambda);
            product.MultiplyInPlace(ciphertext.C1);
            share.AddInPlace(product);
        }
        finally
        {
            product.Clear();
        }

        return new CkksDecryptionShare(CustodianId, set, digest, share);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"CkksThresholdCustodian(custodian {CustodianId}, flooding 2^{FloodingBits})";

    private static RnsPolynomial SampleFloodingNtt(CkksContext context, int bits)
    {
        var noise = new long[context.RingDegree];
        try
        {
            using (var sampler = RingSampler.CreateRandom())
            {
                sampler.SampleUniformSigned(noise, bits);
            }

            var polynomial = new RnsPolynomial(context, isNttForm: false);
            polynomial.SetSmallCoefficients(noise);
            polynomial.ToNttForm();
            return polynomial;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(noise.AsSpan()));
        }
    }
}
