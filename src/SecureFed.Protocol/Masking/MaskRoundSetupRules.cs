using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Protocol.Masking;

/// <summary>
/// What makes a mask-mode round setup well formed, checked the same way by the clients and
/// the server.
/// </summary>
public static class MaskRoundSetupRules
{
    /// <summary>Size of the round nonce in bytes.</summary>
    public const int NonceSize = 32;

    /// <summary>Says what is wrong with <paramref name="setup"/>, or null when nothing is.</summary>
    public static string? Check(MaskRoundSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var participants = setup.Participants;
        if (participants is null || participants.Count < 2)
        {
            return "A round needs at least two participants.";
        }

        if (participants[0] == 0)
        {
            return "Participant id 0 is reserved.";
        }

        for (int i = 1; i < participants.Count; i++)
        {
            if (participants[i] <= participants[i - 1])
            {
                return "The participants must be distinct and ascending.";
            }
        }

        if (setup.RoundNonce is not { Length: NonceSize } || setup.GraphSeed is not { Length: HararyGraph.SeedSize })
        {
            return "The round nonce and graph seed must be 32 bytes each.";
        }

        if (setup.Dimension < 1)
        {
            return $"The dimension {setup.Dimension} is not positive.";
        }

        if (setup.Bits is < 1 or > 64)
        {
            return $"The modulus 2^{setup.Bits} is outside 2^1 to 2^64.";
        }

        int n = participants.Count;
        bool complete = setup.Degree == n - 1;
        if (setup.Degree < 1 || setup.Degree > n - 1 || (!complete && setup.Degree % 2 != 0))
        {
            return $"The degree {setup.Degree} is not possible for {n} clients.";
        }

        // A threshold of at most half the neighbours would let a server collect one kind of
        // share from some neighbours and the other kind from the rest.
        if (2 * setup.Threshold <= setup.Degree || setup.Threshold > setup.Degree)
        {
            return $"The threshold {setup.Threshold} must be above half the degree {setup.Degree} " +
                "and at most the degree.";
        }

        return null;
    }
}
