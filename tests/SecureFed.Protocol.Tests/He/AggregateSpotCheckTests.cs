using SecureFed.Protocol.He;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.Tests.He;

public class AggregateSpotCheckTests
{
    private static readonly uint[] Custodians = [1, 2, 3];

    [Theory]
    [InlineData(1000)] // one ciphertext at N = 1024
    [InlineData(2500)] // three
    public async Task CreateShareAsync_HonestAggregate_Passes(int length)
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 2, 4);
        (IReadOnlyList<byte[]> aggregate, ContributionEvidence[] evidence, _) = Contribute(harness, 3, length);
        DecryptionRequest request = harness.Request(3, aggregate, [1, 2], evidence);

        DecryptionResponse response = await harness.Service(1, 4)
            .CreateShareAsync(request, HeHarness.HonestOpener(request));

        Assert.Equal(aggregate.Count, response.Shares.Count);
    }

    [Theory]
    [InlineData(1000, 0, 16)]
    [InlineData(2500, 1, 64)] // (2/3)^64: the positions all miss the swapped ciphertext < 2^-37
    public async Task CreateShareAsync_OneCiphertextReplacedByFreshEncryption_IsRefusedAndRoundNotBurnt(
        int length, int replaced, int positions)
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 2, 4);
        (IReadOnlyList<byte[]> aggregate, ContributionEvidence[] evidence, HeContributionEncoder encoder) =
            Contribute(harness, 5, length);
        byte[][] forged = [.. aggregate];
        forged[replaced] = encoder.Encrypt(HeHarness.RandomVector(new Random(99), length, 1L << 19))[replaced];
        CustodianDecryptionService service = Service(harness, positions);
        DecryptionRequest cheat = harness.Request(5, forged, [1, 2], evidence);

        var refusal = await Assert.ThrowsAsync<ProtocolViolationException>(
            () => service.CreateShareAsync(cheat, HeHarness.HonestOpener(cheat)));

        Assert.Contains("not the sum of the evidenced contributions", refusal.Message);
        DecryptionRequest honest = harness.Request(5, aggregate, [1, 2], evidence);
        Assert.Equal(
            aggregate.Count, (await service.CreateShareAsync(honest, HeHarness.HonestOpener(honest))).Shares.Count);
    }

    [Fact]
    public async Task CreateShareAsync_OpeningWithBadMerkleProof_IsRefused()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 2, 4);
        (IReadOnlyList<byte[]> aggregate, ContributionEvidence[] evidence, _) = Contribute(harness, 6, 1000);
        DecryptionRequest request = harness.Request(6, aggregate, [1, 2], evidence);
        ContributionOpener opener = Tamper(HeHarness.HonestOpener(request), openings =>
        {
            ContributionOpening first = openings[0];
            byte[][] proof = [.. first.Proof.Select(p => p.ToArray())];
            proof[0][0] ^= 1;
            openings[0] = first with { Proof = proof };
        });

        var refusal = await Assert.ThrowsAsync<ProtocolViolationException>(
            () => harness.Service(1, 4).CreateShareAsync(request, opener));

        Assert.Contains("does not verify against the root the client signed", refusal.Message);
    }

    [Fact]
    public async Task CreateShareAsync_ChunkFromAnotherContributor_IsRefused()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 2, 4);
        (IReadOnlyList<byte[]> aggregate, ContributionEvidence[] evidence, _) = Contribute(harness, 7, 1000);
        DecryptionRequest request = harness.Request(7, aggregate, [1, 2], evidence);
        uint victim = evidence[0].ClientId;
        uint other = evidence[1].ClientId;
        ContributionOpener opener = Tamper(HeHarness.HonestOpener(request), openings =>
        {
            for (int i = 0; i < openings.Count; i++)
            {
                if (openings[i].ClientId == victim)
                {
                    ContributionOpening swapped = openings.First(
                        o => o.ClientId == other && o.ChunkIndex == openings[i].ChunkIndex);
                    openings[i] = swapped with { ClientId = victim };
                }
            }
        });

        var refusal = await Assert.ThrowsAsync<ProtocolViolationException>(
            () => harness.Service(1, 4).CreateShareAsync(request, opener));

        Assert.Contains($"client {victim} does not verify", refusal.Message);
    }

    [Fact]
    public async Task CreateShareAsync_MissingOrUnaskedOpenings_AreRefused()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 2, 4);
        (IReadOnlyList<byte[]> aggregate, ContributionEvidence[] evidence, _) = Contribute(harness, 8, 1000);
        DecryptionRequest request = harness.Request(8, aggregate, [1, 2], evidence);
        CustodianDecryptionService service = harness.Service(1, 4);

        var missing = await Assert.ThrowsAsync<ProtocolViolationException>(() => service.CreateShareAsync(
            request, Tamper(HeHarness.HonestOpener(request), openings => openings.RemoveAt(openings.Count - 1))));
        var repeated = await Assert.ThrowsAsync<ProtocolViolationException>(() => service.CreateShareAsync(
            request, Tamper(HeHarness.HonestOpener(request), openings => openings.Add(openings[0]))));

        Assert.Contains("chunks asked for", missing.Message);
        Assert.Contains("twice", repeated.Message);
    }

    [Fact]
    public void DrawPositions_CoversTheAggregateUniformly()
    {
        var layout = new ContributionLayout(HeHarness.SmallContext, 3);
        CoefficientPosition[] positions = AggregateSpotCheck.DrawPositions(layout, AggregateSpotCheck.MaxPositions);

        Assert.Equal(3, positions.Select(p => p.Ciphertext).Distinct().Count());
        Assert.Equal(2, positions.Select(p => p.Component).Distinct().Count());
        Assert.True(positions.Distinct().Count() > AggregateSpotCheck.MaxPositions - 8);
        long lastChunk = (layout.TotalLength - 1) / 4096;
        Assert.All(AggregateSpotCheck.ChunksFor(layout, positions), c => Assert.InRange(c, 0, lastChunk));
    }

    private static CustodianDecryptionService Service(HeHarness harness, int positions) =>
        new(harness.KeyStates[1], harness.CustodianKeys[1], harness.ClientDirectory, HeHarness.VerifyStatement,
            minimumContributors: 4, spotCheckPositions: positions);

    private static ContributionOpener Tamper(ContributionOpener honest, Action<List<ContributionOpening>> change) =>
        async (request, cancellation) =>
        {
            var openings = (await honest(request, cancellation)).ToList();
            change(openings);
            return openings;
        };

    private static (IReadOnlyList<byte[]> Aggregate, ContributionEvidence[] Evidence, HeContributionEncoder Encoder)
        Contribute(HeHarness harness, ulong round, int length)
    {
        var encoder = new HeContributionEncoder(harness.Context, harness.Coordinator.PublicKey, HeHarness.ScaleBits);
        var aggregator = new HeAggregator(harness.Context, length, HeHarness.ScaleBits);
        var random = new Random((int)round);
        var evidence = new List<ContributionEvidence>();
        foreach (uint client in harness.ClientIds)
        {
            IReadOnlyList<byte[]> ciphertexts = encoder.Encrypt(HeHarness.RandomVector(random, length, 1L << 19));
            aggregator.Add(client, ciphertexts);
            evidence.Add(harness.Evidence(round, client, ciphertexts));
        }

        return (aggregator.Aggregate, [.. evidence], encoder);
    }
}
