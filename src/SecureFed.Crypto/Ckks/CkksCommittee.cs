using System.Collections.ObjectModel;
using System.Globalization;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// The key custodians of a threshold CKKS key: their ids (the Shamir evaluation points) and
/// the threshold t, the number of custodians whose decryption shares suffice.
/// </summary>
public sealed class CkksCommittee
{
    /// <summary>The largest custodian id, far below every prime of a modulus chain.</summary>
    public const int MaxCustodianId = 65535;

    private readonly int[] _ids;

    /// <summary>Creates a committee of t-out-of-k custodians.</summary>
    /// <param name="custodianIds">k distinct ids from 1 to 65535.</param>
    /// <param name="threshold">t, from 1 to k.</param>
    /// <exception cref="ArgumentNullException"><paramref name="custodianIds"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The ids are empty, repeat or are out of range.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is out of range.</exception>
    public CkksCommittee(IEnumerable<int> custodianIds, int threshold)
    {
        ArgumentNullException.ThrowIfNull(custodianIds);
        int[] ids = custodianIds.ToArray();
        if (ids.Length == 0)
        {
            throw new ArgumentException("A committee needs a custodian.", nameof(custodianIds));
        }

        if (ids.Any(id => id is < 1 or > MaxCustodianId))
        {
            throw new ArgumentException(
                $"Custodian ids must be 1 to {MaxCustodianId}.", nameof(custodianIds));
        }

        if (ids.Distinct().Count() != ids.Length)
        {
            throw new ArgumentException("Custodian ids must be distinct.", nameof(custodianIds));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, ids.Length);
        Array.Sort(ids);
        _ids = ids;
        CustodianIds = new ReadOnlyCollection<int>(_ids);
        Threshold = threshold;
    }

    /// <summary>The custodians' ids, ascending.</summary>
    public IReadOnlyList<int> CustodianIds { get; }

    /// <summary>The number of custodians k.</summary>
    public int Size => _ids.Length;

    /// <summary>The threshold t.</summary>
    public int Threshold { get; }

    /// <summary>True when <paramref name="custodianId"/> is a member.</summary>
    public bool Contains(int custodianId) => Array.BinarySearch(_ids, custodianId) >= 0;

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"CkksCommittee({Threshold} of {Size}: {string.Join(",", _ids)})");

    /// <summary>
    /// Checks that <paramref name="participants"/> is a set of at least t members and returns
    /// it sorted.
    /// </summary>
    internal int[] ValidateParticipants(IEnumerable<int> participants, string paramName)
    {
        ArgumentNullException.ThrowIfNull(participants, paramName);
        int[] set = participants.ToArray();
        Array.Sort(set);
        for (int i = 0; i < set.Length; i++)
        {
            if (!Contains(set[i]))
            {
                throw new ArgumentException(
                    $"Custodian {set[i]} is not in the committee.", paramName);
            }

            if (i > 0 && set[i] == set[i - 1])
            {
                throw new ArgumentException($"Custodian {set[i]} appears twice.", paramName);
            }
        }

        if (set.Length < Threshold)
        {
            throw new ArgumentException(
                $"Decryption needs {Threshold} custodians, got {set.Length}.", paramName);
        }

        return set;
    }

    /// <summary>
    /// The Lagrange coefficient at zero of <paramref name="custodianId"/> within
    /// <paramref name="participants"/>, modulo each prime: prod over other m of m / (m - id).
    /// </summary>
    internal static ulong[] LagrangeAtZero(
        CkksContext context, int custodianId, ReadOnlySpan<int> participants)
    {
        var coefficients = new ulong[context.ModulusCount];
        for (int i = 0; i < context.ModulusCount; i++)
        {
            Modulus modulus = context.ModulusAt(i);
            ulong numerator = 1;
            ulong denominator = 1;
            foreach (int other in participants)
            {
                if (other == custodianId)
                {
                    continue;
                }

                numerator = modulus.Multiply(numerator, (ulong)other);
                ulong difference = modulus.Subtract((ulong)other, (ulong)custodianId);
                denominator = modulus.Multiply(denominator, difference);
            }

            coefficients[i] = modulus.Multiply(numerator, modulus.Inverse(denominator));
        }

        return coefficients;
    }
}
