// The appliance's last step of threshold decryption (Mouchet et al., PETS 2021): with the
// t custodians' signed decryption shares d_j of each aggregate ciphertext (c0, c1), the
// plaintext is c0 + sum_j d_j = m + e + sum_j e_flood, which decodes to the exact integer
// sum at a scale far above the flooding noise. Needs no secret.

using System.Security.Cryptography;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.He;

/// <summary>
/// Combines the custodians' signed decryption shares with the aggregate and decodes the
/// integer sum. Stateless apart from its configuration; thread-safe.
/// </summary>
public sealed class ThresholdCombiner
{
    private readonly HeAggregateDecoder _decoder;
    private readonly IReadOnlyDictionary<uint, Ed25519PublicKey> _custodianDirectory;

    /// <summary>A combiner for aggregates that <paramref name="decoder"/> decodes.</summary>
    /// <param name="decoder">The decoder of the round's vectors.</param>
    /// <param name="custodianDirectory">Every custodian's enrolled Ed25519 public key.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ThresholdCombiner(
        HeAggregateDecoder decoder, IReadOnlyDictionary<uint, Ed25519PublicKey> custodianDirectory)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(custodianDirectory);
        _decoder = decoder;
        _custodianDirectory = custodianDirectory;
    }

    /// <summary>
    /// Decrypts the aggregate of <paramref name="request"/> with one response from each of
    /// its participants.
    /// </summary>
    /// <returns>The exact integer sum, D values.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ProtocolViolationException">
    /// A response is missing, repeated, from a non-participant, for another ceremony or
    /// round, badly signed, or holds malformed or mismatched shares; or the result does not
    /// decode to integers.
    /// </exception>
    public long[] Combine(DecryptionRequest request, IReadOnlyList<DecryptionResponse> responses)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responses);
        CkksContext context = _decoder.Context;
        uint[] participants = request.Participants.Order().ToArray();
        CkksCiphertext[] aggregate = ParseAggregate(context, request.Aggregate);
        byte[][] aggregateHashes = request.Aggregate.Select(SHA256.HashData).ToArray();
        if (responses.Count != participants.Length)
        {
            throw new ProtocolViolationException(
                $"Expected {participants.Length} responses, got {responses.Count}.");
        }

        var sharesByCiphertext = new List<CkksDecryptionShare>[aggregate.Length];
        for (int c = 0; c < aggregate.Length; c++)
        {
            sharesByCiphertext[c] = new List<CkksDecryptionShare>(participants.Length);
        }

        var seen = new HashSet<uint>();
        foreach (DecryptionResponse response in responses)
        {
            CheckResponse(request, participants, aggregateHashes, response);
            if (!seen.Add(response.CustodianId))
            {
                throw new ProtocolViolationException(
                    $"Custodian {response.CustodianId} answered twice.");
            }

            for (int c = 0; c < aggregate.Length; c++)
            {
                sharesByCiphertext[c].Add(ParseShare(context, response, c, participants));
            }
        }

        var plaintexts = new CkksPlaintext[aggregate.Length];
        for (int c = 0; c < aggregate.Length; c++)
        {
            try
            {
                plaintexts[c] = CkksThresholdDecryption.Combine(aggregate[c], sharesByCiphertext[c]);
            }
            catch (ArgumentException e)
            {
                throw new ProtocolViolationException(
                    $"The shares of ciphertext {c} do not combine: {e.Message}", e);
            }
        }

        try
        {
            return _decoder.Decode(plaintexts);
        }
        catch (ArgumentException e)
        {
            throw new ProtocolViolationException($"The aggregate does not decode: {e.Message}", e);
        }
    }

    private void CheckResponse(
        DecryptionRequest request, uint[] participants, byte[][] aggregateHashes,
        DecryptionResponse response)
    {
        if (response is null)
        {
            throw new ProtocolViolationException("A response is missing.");
        }

        if (response.CeremonyId is null || !response.CeremonyId.AsSpan().SequenceEqual(request.CeremonyId)
            || response.Round != request.Round)
        {
            throw new ProtocolViolationException(
                $"The response of custodian {response.CustodianId} is for another ceremony or round.");
        }

        if (Array.IndexOf(participants, response.CustodianId) < 0
            || !_custodianDirectory.TryGetValue(response.CustodianId, out Ed25519PublicKey? key))
        {
            throw new ProtocolViolationException(
                $"Custodian {response.CustodianId} is not a participant of the request.");
        }

        if (response.Shares is null || response.Shares.Count != aggregateHashes.Length
            || response.Shares.Any(share => share is null))
        {
            throw new ProtocolViolationException(
                $"Custodian {response.CustodianId} must send {aggregateHashes.Length} shares.");
        }

        Transcript transcript = HeTranscripts.DecryptionResponse(
            request.CeremonyId, request.Round, response.CustodianId, participants, aggregateHashes,
            response.Shares.Select(SHA256.HashData).ToArray());
        if (response.Signature is null || !key.Verify(transcript.Encoded, response.Signature))
        {
            throw new ProtocolViolationException(
                $"The response of custodian {response.CustodianId} has a bad signature.");
        }
    }

    private static CkksDecryptionShare ParseShare(
        CkksContext context, DecryptionResponse response, int index, uint[] participants)
    {
        CkksDecryptionShare share;
        try
        {
            share = CkksSerializer.DeserializeDecryptionShare(context, response.Shares[index]);
        }
        catch (FormatException e)
        {
            throw new ProtocolViolationException(
                $"Share {index} of custodian {response.CustodianId} is refused: {e.Message}", e);
        }

        if (share.CustodianId != response.CustodianId
            || !share.Participants.Select(id => (uint)id).SequenceEqual(participants))
        {
            throw new ProtocolViolationException(
                $"Share {index} of custodian {response.CustodianId} names other custodians.");
        }

        return share;
    }

    private static CkksCiphertext[] ParseAggregate(CkksContext context, IReadOnlyList<byte[]> aggregate)
    {
        if (aggregate is null || aggregate.Count == 0)
        {
            throw new ProtocolViolationException("The request carries no aggregate.");
        }

        var parsed = new CkksCiphertext[aggregate.Count];
        for (int c = 0; c < parsed.Length; c++)
        {
            try
            {
                parsed[c] = CkksSerializer.DeserializeCiphertext(
                    context, aggregate[c] ?? throw new FormatException("It is missing."));
            }
            catch (FormatException e)
            {
                throw new ProtocolViolationException($"Aggregate ciphertext {c} is refused: {e.Message}", e);
            }
        }

        return parsed;
    }
}
