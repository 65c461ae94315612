// One custodian's part in generating a threshold CKKS key, after Mouchet, Troncoso-Pastoriza,
// Bossuat and Hubaux 2021, "Multiparty homomorphic encryption from ring-learning-with-errors"
// (PETS 2021), with t-out-of-k access by Shamir sharing of each custodian's secret over the
// ring (as in Lattigo's multiparty package, and Asharov et al. 2012 for the flooding).
//
// Custodian i samples a ternary s_i and publishes b_i = -a s_i + e_i for the common random
// polynomial a expanded from a public seed; the collective key is (sum b_i, a), whose secret
// is s = sum s_i. Custodian i also shares s_i with a random polynomial
// f_i(X) = s_i + r_1 X + ... + r_(t-1) X^(t-1), whose coefficients are ring elements, and
// sends f_i(j) to custodian j. Custodian j keeps S_j = sum_i f_i(j), a Shamir share of s:
// any t custodians recover s by Lagrange interpolation at zero, which decryption does
// without ever forming s. Shares are computed in NTT form, where Shamir's linear algebra
// acts on each residue independently.

using System.Security.Cryptography;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// The state of one custodian during threshold key generation: its secret s_i, its public
/// key share and the Shamir shares of s_i for the other custodians. Dispose clears it.
/// </summary>
/// <remarks>
/// The shares returned by <see cref="CreateSecretShareFor"/> are secret: they must travel to
/// their recipient encrypted and authenticated, and be cleared after use.
/// </remarks>
public sealed class CkksCustodianKeyGeneration : IDisposable
{
    private readonly RnsPolynomial _secret;
    private readonly RnsPolynomial _secretModQ;
    private readonly RnsPolynomial[] _sharingCoefficients;
    private readonly HashSet<int> _sharedWith = [];
    private bool _completed;
    private bool _disposed;

    /// <summary>
    /// Starts key generation for <paramref name="custodianId"/>: samples its secret and
    /// computes its public key share over the a expanded from <paramref name="commonSeed"/>.
    /// </summary>
    /// <param name="context">The CKKS parameters' context.</param>
    /// <param name="committee">The committee this custodian belongs to.</param>
    /// <param name="custodianId">This custodian's id.</param>
    /// <param name="commonSeed">The public 32-byte seed of the common random polynomial.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// The id is not in the committee, or the seed is not 32 bytes.
    /// </exception>
    public CkksCustodianKeyGeneration(
        CkksContext context, CkksCommittee committee, int custodianId,
        ReadOnlySpan<byte> commonSeed)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(committee);
        if (!committee.Contains(custodianId))
        {
            throw new ArgumentException(
                $"Custodian {custodianId} is not in the committee.", nameof(custodianId));
        }

        if (commonSeed.Length != CkksCiphertext.SeedSize)
        {
            throw new ArgumentException(
                $"The common seed must be {CkksCiphertext.SeedSize} bytes.",
                nameof(commonSeed));
        }

        Context = context;
        Committee = committee;
        CustodianId = custodianId;
        _secret = CkksSecretKey.SampleTernaryNtt(context);
        _secretModQ = _secret.ToCiphertextLevel();
        PublicKeyShare = CkksPublicKey.ComputeKeyShare(_secret, commonSeed);

        // r_1 .. r_(t-1): uniform ring elements, each expanded from its own fresh seed.
        _sharingCoefficients = new RnsPolynomial[committee.Threshold - 1];
        Span<byte> seed = stackalloc byte[CkksCiphertext.SeedSize];
        try
        {
            for (int l = 0; l < _sharingCoefficients.Length; l++)
            {
                RandomNumberGenerator.Fill(seed);
                _sharingCoefficients[l] = RingSampler.ExpandUniform(context, seed);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The CKKS parameters' context.</summary>
    public CkksContext Context { get; }

    /// <summary>The committee.</summary>
    public CkksCommittee Committee { get; }

    /// <summary>This custodian's id.</summary>
    public int CustodianId { get; }

    /// <summary>
    /// b_i = -a s_i + e_i, in NTT form modulo Q P: public, sent to the aggregator.
    /// </summary>
    public RnsPolynomial PublicKeyShare { get; }

    /// <summary>
    /// Returns f_i(<paramref name="recipientId"/>), the Shamir share of this custodian's
    /// secret for that custodian (this custodian included), modulo Q: decryption never needs
    /// the special prime. Secret.
    /// </summary>
    /// <exception cref="ArgumentException">The recipient is not in the committee.</exception>
    /// <exception cref="InvalidOperationException">
    /// Generation has completed, or a share for this recipient was already made: a second
    /// evaluation is pointless and only multiplies copies of secrets.
    /// </exception>
    public RnsPolynomial CreateSecretShareFor(int recipientId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Committee.Contains(recipientId))
        {
            throw new ArgumentException(
                $"Custodian {recipientId} is not in the committee.", nameof(recipientId));
        }

        if (_completed)
        {
            throw new InvalidOperationException("Key generation has already completed.");
        }

        if (!_sharedWith.Add(recipientId))
        {
            throw new InvalidOperationException(
                $"A share for custodian {recipientId} was already made.");
        }

        // Horner's rule, coefficient-wise: ((r_(t-1) x + r_(t-2)) x + ...) x + s_i.
        var share = new RnsPolynomial(Context, isNttForm: true);
        for (int l = _sharingCoefficients.Length - 1; l >= 0; l--)
        {
            share.AddInPlace(_sharingCoefficients[l]);
            share.MultiplyByIntegerInPlace(recipientId);
        }

        share.AddInPlace(_secretModQ);
        return share;
    }

    /// <summary>
    /// Completes key generation with the shares every custodian made for this one, its own
    /// included, and clears this custodian's secret and sharing polynomial.
    /// </summary>
    /// <param name="receivedShares">f_i(this id) from every custodian i, keyed by i.</param>
    /// <returns>This custodian's share S_j of the collective secret.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="receivedShares"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A custodian's share is missing, an unknown sender appears, or a share has other
    /// parameters or is not in NTT form.
    /// </exception>
    /// <exception cref="InvalidOperationException">Generation has already completed.</exception>
    public CkksThresholdKeyShare Complete(IReadOnlyDictionary<int, RnsPolynomial> receivedShares)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(receivedShares);
        if (_completed)
        {
            throw new InvalidOperationException("Key generation has already completed.");
        }

        // Every check runs before any state changes, so a refused call can be retried.
        foreach (int sender in receivedShares.Keys)
        {
            if (!Committee.Contains(sender))
            {
                throw new ArgumentException(
                    $"Custodian {sender} is not in the committee.", nameof(receivedShares));
            }
        }

        foreach (int member in Committee.CustodianIds)
        {
            if (!receivedShares.TryGetValue(member, out RnsPolynomial? share) || share is null)
            {
                throw new ArgumentException(
                    $"The share from custodian {member} is missing.", nameof(receivedShares));
            }

            Context.RequireSame(share.Context, nameof(receivedShares));
            if (!share.IsNttForm || share.IsKeyLevel)
            {
                throw new ArgumentException(
                    "Secret shares are exchanged in NTT form modulo Q.", nameof(receivedShares));
            }
        }

        var sum = new RnsPolynomial(Context, isNttForm: true);
        foreach (int member in Committee.CustodianIds)
        {
            sum.AddInPlace(receivedShares[member]);
        }

        _completed = true;
        ClearSecrets();
        return new CkksThresholdKeyShare(Committee, CustodianId, sum);
    }

    /// <summary>Clears the secret and the sharing polynomial.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ClearSecrets();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"CkksCustodianKeyGeneration(custodian {CustodianId}, {Committee})";

    private void ClearSecrets()
    {
        _secret.Clear();
        _secretModQ.Clear();
        foreach (RnsPolynomial coefficient in _sharingCoefficients)
        {
            coefficient.Clear();
        }
    }
}
