using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.He;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.Tests.He;

public class HeAggregationTests
{
    private const int Length = 2500; // three ciphertexts at N = 1024

    private static readonly uint[] Custodians = [1, 2, 3, 4, 5];

    [Fact]
    public void Round_TenClientsThreeOfFive_EachSubsetDecryptsTheExactSum()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 10);
        (HeAggregator aggregator, long[] expected, ContributionEvidence[] evidence) = Contribute(harness, 1, Length);
        Assert.Equal(3, aggregator.CiphertextCount);
        IReadOnlyList<byte[]> aggregate = aggregator.Aggregate;
        var combiner = new ThresholdCombiner(
            new HeAggregateDecoder(harness.Context, Length, HeHarness.ScaleBits), harness.CustodianDirectory);

        // Each subset is asked as its own round of fresh services: a custodian answers once.
        uint[][] subsets = [[1, 2, 3], [2, 4, 5], [1, 3, 5]];
        foreach (uint[] subset in subsets)
        {
            DecryptionRequest request = harness.Request(1, aggregate, subset, evidence);
            DecryptionResponse[] responses = subset
                .Select(id => harness.Service(id, minimumContributors: 10).CreateShare(request))
                .ToArray();

            Assert.Equal(expected, combiner.Combine(request, responses));
        }

        Assert.Contains(expected, x => Math.Abs(x) > 1L << 20);
    }

    [Fact]
    public void Aggregator_DuplicateContributor_IsRefusedAndSumUnchanged()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 2);
        var encoder = new HeContributionEncoder(harness.Context, harness.Coordinator.PublicKey, HeHarness.ScaleBits);
        var aggregator = new HeAggregator(harness.Context, Length, HeHarness.ScaleBits);
        aggregator.Add(100, encoder.Encrypt(new long[Length]));
        byte[][] before = aggregator.Aggregate.ToArray();

        var refusal = Assert.Throws<ProtocolViolationException>(
            () => aggregator.Add(100, encoder.Encrypt(Enumerable.Repeat(7L, Length).ToArray())));

        Assert.Contains("already contributed", refusal.Message);
        Assert.Equal(before, aggregator.Aggregate);
        Assert.Equal([100u], aggregator.Contributors);
    }

    [Fact]
    public void Aggregator_WrongCountForeignParametersOrScale_IsRefusedAndSumUnchanged()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 2);
        var encoder = new HeContributionEncoder(harness.Context, harness.Coordinator.PublicKey, HeHarness.ScaleBits);
        var aggregator = new HeAggregator(harness.Context, Length, HeHarness.ScaleBits);
        aggregator.Add(100, encoder.Encrypt(new long[Length]));
        byte[][] before = aggregator.Aggregate.ToArray();
        IReadOnlyList<byte[]> good = encoder.Encrypt(Enumerable.Repeat(3L, Length).ToArray());

        var count = Assert.Throws<ProtocolViolationException>(() => aggregator.Add(101, good.Take(2).ToArray()));
        Assert.Contains("not 3", count.Message);

        // Two good ciphertexts and a last one under other parameters: nothing is added.
        var otherContext = new CkksContext(CkksParameters.UnsafeCreateWithoutSecurityCheck(1024, [60, 60, 61]));
        using CkksSecretKey otherKey = CkksSecretKey.Generate(otherContext);
        var otherEncoder = new HeContributionEncoder(
            otherContext, CkksPublicKey.Generate(otherKey), HeHarness.ScaleBits);
        byte[] foreign = otherEncoder.Encrypt(new long[10])[0];
        var parameters = Assert.Throws<ProtocolViolationException>(
            () => aggregator.Add(101, [good[0], good[1], foreign]));
        Assert.Contains("Ciphertext 2", parameters.Message);

        var lowScale = new HeContributionEncoder(harness.Context, harness.Coordinator.PublicKey, 40);
        Assert.Throws<ProtocolViolationException>(
            () => aggregator.Add(101, lowScale.Encrypt(new long[Length])));

        Assert.Equal(before, aggregator.Aggregate);
        Assert.Equal([100u], aggregator.Contributors);
        aggregator.Add(101, good);
        Assert.Equal([100u, 101u], aggregator.Contributors);
    }

    [Fact]
    public void Aggregator_ConcurrentAddsOfOneClient_AcceptOnlyOne()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 1);
        var encoder = new HeContributionEncoder(harness.Context, harness.Coordinator.PublicKey, HeHarness.ScaleBits);
        var aggregator = new HeAggregator(harness.Context, 1000, HeHarness.ScaleBits);
        IReadOnlyList<byte[]> contribution = encoder.Encrypt(new long[1000]);
        int accepted = 0;

        Parallel.For(0, 6, _ =>
        {
            try
            {
                aggregator.Add(100, contribution);
                Interlocked.Increment(ref accepted);
            }
            catch (ProtocolViolationException)
            {
            }
        });

        Assert.Equal(1, accepted);
    }

    [Fact]
    public void CreateShare_EvidenceRefusals_AreClearAndConsumeNothing()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 4);
        (HeAggregator aggregator, _, ContributionEvidence[] evidence) = Contribute(harness, 7, 1000);
        IReadOnlyList<byte[]> aggregate = aggregator.Aggregate;
        CustodianDecryptionService service = harness.Service(1, minimumContributors: 4);
        uint[] set = [1, 2, 3];

        var tooFew = Assert.Throws<ProtocolViolationException>(
            () => service.CreateShare(harness.Request(7, aggregate, set, evidence[..3])));
        Assert.Contains("fewer than the 4", tooFew.Message);

        var duplicated = Assert.Throws<ProtocolViolationException>(
            () => service.CreateShare(harness.Request(7, aggregate, set, [.. evidence[..3], evidence[0]])));
        Assert.Contains("twice", duplicated.Message);

        ContributionEvidence stranger = evidence[3] with { ClientId = 999 };
        var unenrolled = Assert.Throws<ProtocolViolationException>(
            () => service.CreateShare(harness.Request(7, aggregate, set, [.. evidence[..3], stranger])));
        Assert.Contains("not enrolled", unenrolled.Message);

        // A genuine signature for another round, and a statement with a changed root.
        ContributionEvidence otherRound = harness.Evidence(8, evidence[3].ClientId, aggregate);
        var badSignature = Assert.Throws<ProtocolViolationException>(
            () => service.CreateShare(harness.Request(7, aggregate, set, [.. evidence[..3], otherRound])));
        Assert.Contains("bad signature", badSignature.Message);
        byte[] root = (byte[])evidence[3].Root.Clone();
        root[0] ^= 1;
        Assert.Throws<ProtocolViolationException>(
            () => service.CreateShare(
                harness.Request(7, aggregate, set, [.. evidence[..3], evidence[3] with { Root = root }])));

        // Nothing was consumed: the well-formed request for the same round is answered.
        Assert.Single(service.CreateShare(harness.Request(7, aggregate, set, evidence)).Shares);
    }

    [Fact]
    public void CreateShare_ParticipantOrCeremonyRefusals_AreClear()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 3);
        (HeAggregator aggregator, _, ContributionEvidence[] evidence) = Contribute(harness, 2, 1000);
        IReadOnlyList<byte[]> aggregate = aggregator.Aggregate;
        CustodianDecryptionService service = harness.Service(1, minimumContributors: 3);

        var notIn = Assert.Throws<ProtocolViolationException>(
            () => service.CreateShare(harness.Request(2, aggregate, [2, 3, 4], evidence)));
        Assert.Contains("not in the participant set", notIn.Message);

        var tooMany = Assert.Throws<ProtocolViolationException>(
            () => service.CreateShare(harness.Request(2, aggregate, [1, 2, 3, 4], evidence)));
        Assert.Contains("not the threshold 3", tooMany.Message);

        Assert.Throws<ProtocolViolationException>(
            () => service.CreateShare(harness.Request(2, aggregate, [1, 2, 9], evidence)));

        var otherCeremony = harness.Request(2, aggregate, [1, 2, 3], evidence) with { CeremonyId = new byte[32] };
        var ceremony = Assert.Throws<ProtocolViolationException>(() => service.CreateShare(otherCeremony));
        Assert.Contains("another ceremony", ceremony.Message);
    }

    [Fact]
    public void CreateShare_SecondRequestForTheSameRoundOrAggregate_IsRefused()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 3);
        (HeAggregator aggregator, _, ContributionEvidence[] evidence) = Contribute(harness, 5, 1000);
        IReadOnlyList<byte[]> aggregate = aggregator.Aggregate;
        CustodianDecryptionService service = harness.Service(2, minimumContributors: 3);
        service.CreateShare(harness.Request(5, aggregate, [1, 2, 3], evidence));

        // The same round with another aggregate and set.
        (HeAggregator fresh, _, ContributionEvidence[] freshEvidence) = Contribute(harness, 5, 1000);
        var round = Assert.Throws<ProtocolViolationException>(
            () => service.CreateShare(harness.Request(5, fresh.Aggregate, [2, 4, 5], freshEvidence)));
        Assert.Contains("round 5", round.Message);

        // The same aggregate under another round number, with evidence signed for it.
        ContributionEvidence[] resigned = evidence.Select(e => harness.Evidence(6, e.ClientId, aggregate)).ToArray();
        var same = Assert.Throws<ProtocolViolationException>(
            () => service.CreateShare(harness.Request(6, aggregate, [2, 3, 4], resigned)));
        Assert.Contains("this aggregate", same.Message);
    }

    [Fact]
    public void ServedRequests_SurviveExportAndImport()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 3);
        (HeAggregator aggregator, _, ContributionEvidence[] evidence) = Contribute(harness, 9, 1000);
        IReadOnlyList<byte[]> aggregate = aggregator.Aggregate;
        CustodianDecryptionService before = harness.Service(3, minimumContributors: 3);
        before.CreateShare(harness.Request(9, aggregate, [1, 2, 3], evidence));
        byte[] served = before.ExportServedRequests();

        // A restarted custodian: key state from bytes, served list imported.
        using CustodianKeyState restored = CustodianKeyState.Deserialize(
            harness.Context, harness.KeyStates[3].Serialize());
        var after = new CustodianDecryptionService(
            restored, harness.CustodianKeys[3], harness.ClientDirectory, HeHarness.VerifyStatement, 3);
        after.ImportServedRequests(served);

        Assert.Throws<ProtocolViolationException>(
            () => after.CreateShare(harness.Request(9, aggregate, [1, 3, 4], evidence)));
        ContributionEvidence[] resigned = evidence.Select(e => harness.Evidence(10, e.ClientId, aggregate)).ToArray();
        Assert.Throws<ProtocolViolationException>(
            () => after.CreateShare(harness.Request(10, aggregate, [1, 3, 4], resigned)));
        Assert.Equal(served, after.ExportServedRequests());
        Assert.Throws<FormatException>(() => after.ImportServedRequests(served[..^1]));
    }

    [Fact]
    public void Combiner_RestoredKeyStateAndTamperedResponse_DecryptsOnlyWhenGenuine()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 3);
        (HeAggregator aggregator, long[] expected, ContributionEvidence[] evidence) = Contribute(harness, 4, 1500);
        DecryptionRequest request = harness.Request(4, aggregator.Aggregate, [2, 3, 5], evidence);
        using CustodianKeyState restored = CustodianKeyState.Deserialize(
            harness.Context, harness.KeyStates[5].Serialize());
        var restoredService = new CustodianDecryptionService(
            restored, harness.CustodianKeys[5], harness.ClientDirectory, HeHarness.VerifyStatement, 3);
        DecryptionResponse[] responses =
        [
            harness.Service(2, 3).CreateShare(request),
            harness.Service(3, 3).CreateShare(request),
            restoredService.CreateShare(request),
        ];
        var combiner = new ThresholdCombiner(
            new HeAggregateDecoder(harness.Context, 1500, HeHarness.ScaleBits), harness.CustodianDirectory);

        byte[] share = (byte[])responses[1].Shares[0].Clone();
        share[^1] ^= 1;
        DecryptionResponse[] tampered =
            [responses[0], responses[1] with { Shares = [share, responses[1].Shares[1]] }, responses[2]];
        var refusal = Assert.Throws<ProtocolViolationException>(() => combiner.Combine(request, tampered));
        Assert.Contains("bad signature", refusal.Message);
        Assert.Throws<ProtocolViolationException>(() => combiner.Combine(request, responses[..2]));

        Assert.Equal(expected, combiner.Combine(request, responses));
    }

    [Fact]
    public void Round_DefaultParametersN8192_DecryptsTheExactSum()
    {
        var context = new CkksContext(CkksParameters.CreateDefault(8192));
        using HeHarness harness = HeHarness.WithCeremony(context, Custodians, 3, 3);
        int length = 8192 + 100;
        (HeAggregator aggregator, long[] expected, ContributionEvidence[] evidence) = Contribute(harness, 1, length);
        Assert.Equal(2, aggregator.CiphertextCount);
        DecryptionRequest request = harness.Request(1, aggregator.Aggregate, [1, 4, 5], evidence);
        DecryptionResponse[] responses = request.Participants
            .Select(id => harness.Service(id, 3).CreateShare(request))
            .ToArray();
        var combiner = new ThresholdCombiner(
            new HeAggregateDecoder(context, length, HeHarness.ScaleBits), harness.CustodianDirectory);

        Assert.Equal(expected, combiner.Combine(request, responses));
    }

    private static (HeAggregator Aggregator, long[] Expected, ContributionEvidence[] Evidence) Contribute(
        HeHarness harness, ulong round, int length)
    {
        var encoder = new HeContributionEncoder(harness.Context, harness.Coordinator.PublicKey, HeHarness.ScaleBits);
        var aggregator = new HeAggregator(harness.Context, length, HeHarness.ScaleBits);
        var random = new Random((int)round + length);
        var expected = new long[length];
        var evidence = new List<ContributionEvidence>();
        foreach (uint client in harness.ClientIds)
        {
            long[] values = HeHarness.RandomVector(random, length, 1L << 19);
            for (int j = 0; j < length; j++)
            {
                expected[j] += values[j];
            }

            IReadOnlyList<byte[]> ciphertexts = encoder.Encrypt(values);
            aggregator.Add(client, ciphertexts);
            evidence.Add(harness.Evidence(round, client, ciphertexts));
        }

        return (aggregator, expected, evidence.ToArray());
    }
}
