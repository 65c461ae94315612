namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A custodian's Shamir share S_j of the collective CKKS secret, in NTT form. Any t shares
/// determine the secret; fewer reveal nothing about it. Dispose clears it.
/// </summary>
public sealed class CkksThresholdKeyShare : IDisposable
{
    private readonly RnsPolynomial _share;
    private bool _disposed;

    /// <summary>Wraps a share; <paramref name="share"/> is owned by the new object.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// The id is not in the committee, or the share is not in NTT form.
    /// </exception>
    public CkksThresholdKeyShare(CkksCommittee committee, int custodianId, RnsPolynomial share)
    {
        ArgumentNullException.ThrowIfNull(committee);
        ArgumentNullException.ThrowIfNull(share);
        if (!committee.Contains(custodianId))
        {
            throw new ArgumentException(
                $"Custodian {custodianId} is not in the committee.", nameof(custodianId));
        }

        if (!share.IsNttForm || share.IsKeyLevel)
        {
            throw new ArgumentException(
                "A key share is kept in NTT form modulo Q.", nameof(share));
        }

        Committee = committee;
        CustodianId = custodianId;
        _share = share;
    }

    /// <summary>The committee the share belongs to.</summary>
    public CkksCommittee Committee { get; }

    /// <summary>The id of the custodian holding the share.</summary>
    public int CustodianId { get; }

    /// <summary>The context of the share's parameters.</summary>
    public CkksContext Context => _share.Context;

    /// <summary>S_j in NTT form.</summary>
    internal RnsPolynomial Polynomial
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _share;
        }
    }

    /// <summary>Clears the share.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _share.Clear();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"CkksThresholdKeyShare(custodian {CustodianId}, {Committee}, secret)";
}
