// The appliance's running sum of HE-mode contributions: each client's ceiling(D / N)
// ciphertexts under the collective public key are added coefficient-wise into one aggregate
// (CKKS addition, Cheon et al. 2017). It needs no secret, and its memory is one aggregate,
// whatever the number of clients.

using SecureFed.Crypto.Ckks;

namespace SecureFed.Protocol.He;

/// <summary>
/// Adds clients' encrypted contributions into one aggregate. Thread-safe; a refused
/// contribution leaves the aggregate unchanged.
/// </summary>
public sealed class HeAggregator
{
    private readonly Lock _lock = new();
    private readonly SortedSet<uint> _contributors = [];
    private readonly double _scale;
    private CkksCiphertext[]? _sum;

    /// <summary>An empty aggregate of vectors of <paramref name="length"/> values.</summary>
    /// <param name="context">The CKKS parameters' context.</param>
    /// <param name="length">D, the clients' vector length.</param>
    /// <param name="scaleBits">k, the scale's exponent every contribution must carry.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length or scale exponent is out of range.</exception>
    public HeAggregator(CkksContext context, int length, int scaleBits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(scaleBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scaleBits, HeContributionEncoder.MaxScaleBits);
        Context = context;
        CiphertextCount = HeContributionEncoder.CiphertextCount(context, length);
        _scale = Math.ScaleB(1, scaleBits);
    }

    /// <summary>The CKKS parameters' context.</summary>
    public CkksContext Context { get; }

    /// <summary>The number of ciphertexts of every contribution.</summary>
    public int CiphertextCount { get; }

    /// <summary>The clients added so far, ascending.</summary>
    public IReadOnlyList<uint> Contributors
    {
        get
        {
            lock (_lock)
            {
                return _contributors.ToArray();
            }
        }
    }

    /// <summary>The aggregate, serialized, one ciphertext per chunk.</summary>
    /// <exception cref="InvalidOperationException">No contribution has been added.</exception>
    public IReadOnlyList<byte[]> Aggregate
    {
        get
        {
            lock (_lock)
            {
                if (_sum is null)
                {
                    throw new InvalidOperationException("No contribution has been added.");
                }

                return _sum.Select(CkksSerializer.Serialize).ToArray();
            }
        }
    }

    /// <summary>Adds the contribution of <paramref name="clientId"/>.</summary>
    /// <param name="clientId">The contributing client.</param>
    /// <param name="ciphertexts">Its serialized ciphertexts, in chunk order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="ciphertexts"/> is null.</exception>
    /// <exception cref="ProtocolViolationException">
    /// The client has already contributed, the count is wrong, or a ciphertext is malformed,
    /// of other parameters, or not coefficient-encoded at the round's scale.
    /// </exception>
    public void Add(uint clientId, IReadOnlyList<byte[]> ciphertexts)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        if (ciphertexts.Count != CiphertextCount)
        {
            throw new ProtocolViolationException(
                $"Client {clientId} sent {ciphertexts.Count} ciphertexts, not {CiphertextCount}.");
        }

        lock (_lock)
        {
            // Checked before the costly parsing; checked again below, under the same lock.
            if (_contributors.Contains(clientId))
            {
                throw new ProtocolViolationException($"Client {clientId} has already contributed.");
            }
        }

        // Every ciphertext is parsed and checked before anything is added.
        var parsed = new CkksCiphertext[ciphertexts.Count];
        for (int c = 0; c < parsed.Length; c++)
        {
            parsed[c] = Parse(clientId, c, ciphertexts[c]);
        }

        lock (_lock)
        {
            if (!_contributors.Add(clientId))
            {
                throw new ProtocolViolationException($"Client {clientId} has already contributed.");
            }

            if (_sum is null)
            {
                _sum = parsed;
                return;
            }

            for (int c = 0; c < parsed.Length; c++)
            {
                CkksEvaluator.AddInPlace(_sum[c], parsed[c]);
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"HeAggregator({CiphertextCount} ciphertexts, {Contributors.Count} contributors)";

    private CkksCiphertext Parse(uint clientId, int index, byte[] bytes)
    {
        if (bytes is null)
        {
            throw new ProtocolViolationException($"Ciphertext {index} of client {clientId} is missing.");
        }

        CkksCiphertext ciphertext;
        try
        {
            ciphertext = CkksSerializer.DeserializeCiphertext(Context, bytes);
        }
        catch (FormatException e)
        {
            throw new ProtocolViolationException(
                $"Ciphertext {index} of client {clientId} is refused: {e.Message}", e);
        }

        if (ciphertext.Encoding != CkksEncoding.Coefficients || ciphertext.Scale != _scale)
        {
            throw new ProtocolViolationException(
                $"Ciphertext {index} of client {clientId} is not coefficient-encoded at the round's scale.");
        }

        return ciphertext;
    }
}
