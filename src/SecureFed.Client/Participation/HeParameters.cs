// The client rebuilds the federation's CKKS parameters from the sizes the appliance
// announces (GetFederation) and accepts them only when their parameter id, a hash of the
// exact primes, matches the announced one; a client then encrypts only under parameters it
// has derived itself.

using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Client.Participation;

/// <summary>Rebuilds a federation's CKKS parameters from its <see cref="FederationInfo"/>.</summary>
public static class HeParameters
{
    /// <summary>
    /// The parameters <paramref name="info"/> announces, or null when none of the ways to
    /// derive them from its sizes gives its parameter id.
    /// </summary>
    public static CkksParameters? FromFederation(FederationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        int ringDegree = (int)Math.Min(info.CkksRingDegree, int.MaxValue);
        if (!CkksParameters.SupportedRingDegrees.Contains(ringDegree))
        {
            return null;
        }

        int[] primeBits = [.. info.CkksPrimeBits.Select(b => (int)Math.Min(b, 64))];
        int specialBits = (int)Math.Min(info.CkksSpecialPrimeBits, 64);

        // The default parameters of the ring degree are tried as well: the announced special
        // prime size is not always the special prime's (the appliance reports the last chain
        // prime there), and the id decides in any case.
        foreach (var candidate in Candidates(ringDegree, primeBits, specialBits))
        {
            if (candidate.ParameterId.SequenceEqual(info.CkksParameterId.Span))
            {
                return candidate;
            }
        }

        return null;
    }

    private static IEnumerable<CkksParameters> Candidates(int ringDegree, int[] primeBits, int specialBits)
    {
        CkksParameters? announced;
        try
        {
            announced = CkksParameters.Create(ringDegree, primeBits, specialBits);
        }
        catch (ArgumentException)
        {
            announced = null;
        }

        if (announced is not null)
        {
            yield return announced;
        }

        yield return CkksParameters.CreateDefault(ringDegree);
    }
}
