using System.Collections.ObjectModel;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A custodian's partial decryption of one ciphertext: lambda_j S_j c1 + e_flood in NTT form,
/// bound to the ciphertext's c1 digest and to the set of custodians it was made for.
/// </summary>
/// <remarks>
/// A share is safe to send to the aggregator: the flooding noise hides S_j. Shares made for
/// one participant set combine only with shares made for the same set.
/// </remarks>
public sealed class CkksDecryptionShare
{
    private readonly byte[] _ciphertextDigest;

    /// <summary>Wraps a decryption share.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// The digest is not 32 bytes, the share is not in NTT form, or the participants do not
    /// include the custodian.
    /// </exception>
    public CkksDecryptionShare(
        int custodianId, IEnumerable<int> participants, ReadOnlySpan<byte> ciphertextDigest,
        RnsPolynomial share)
    {
        ArgumentNullException.ThrowIfNull(participants);
        ArgumentNullException.ThrowIfNull(share);
        int[] set = participants.Order().ToArray();
        if (!set.Contains(custodianId))
        {
            throw new ArgumentException(
                "The participants must include the share's custodian.", nameof(participants));
        }

        if (ciphertextDigest.Length != 32)
        {
            throw new ArgumentException(
                "The ciphertext digest must be 32 bytes.", nameof(ciphertextDigest));
        }

        if (!share.IsNttForm)
        {
            throw new ArgumentException("A decryption share is kept in NTT form.", nameof(share));
        }

        CustodianId = custodianId;
        Participants = new ReadOnlyCollection<int>(set);
        _ciphertextDigest = ciphertextDigest.ToArray();
        Share = share;
    }

    /// <summary>The custodian that made the share.</summary>
    public int CustodianId { get; }

    /// <summary>The custodians whose shares are to be combined, ascending.</summary>
    public IReadOnlyList<int> Participants { get; }

    /// <summary>The digest of the ciphertext's c1 (<see cref="CkksCiphertext.ComputeC1Digest"/>).</summary>
    public ReadOnlySpan<byte> CiphertextDigest => _ciphertextDigest;

    /// <summary>lambda_j S_j c1 + e_flood, in NTT form.</summary>
    public RnsPolynomial Share { get; }
}
