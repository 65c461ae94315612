using System.Security.Cryptography;
using SecureFed.Privacy.Pipeline;
using SecureFed.Protocol.Masking;
using SecureFed.Simulator.SecAgg;

namespace SecureFed.Simulator.Tests;

public class DistributedDpOverSecAggTests
{
    [Fact]
    public void NoisedUpdates_MaskedAndSummed_DecodeToTheClientsAverage()
    {
        // The whole client-to-server path of mask mode with distributed DP: each client clips,
        // rotates, rounds and noises its update into residues mod 2^b; SecAgg+ sums them with
        // two clients dropping after sharing keys; the server decodes the sum.
        const int clients = 12;
        const int dimension = 60;
        const int bits = 24;
        var dp = DistributedNoiseParameters.Compute(
            noiseMultiplier: 0.05, clip: 1.0, clients: clients, bits: bits, dimension: dimension);
        var codec = new DistributedDpCodec(dp, RandomNumberGenerator.GetBytes(32), DistributedNoise.Skellam);
        var random = new Random(11);
        var updates = Enumerable.Range(0, clients)
            .Select(_ => Enumerable.Range(0, dimension).Select(_ => (random.NextDouble() - 0.5) * 0.2).ToArray())
            .ToArray();
        var encoded = updates.Select(u => codec.Encode(u)).ToArray();

        var parameters = SecAggParameterFinder.Find(clients, 0.2, 0);
        using var round = new InMemoryMaskRound(parameters, codec.EncodedLength, bits, id => encoded[id - 1]);
        var survivors = round.Ids.Skip(2).ToArray();
        round.Advertise(round.Ids);
        round.Share(round.Ids);
        round.Mask(survivors);
        round.SignSurvivors(survivors);
        round.Unmask(survivors);
        var (result, _) = round.Finish();

        var average = codec.DecodeAverage(result.Sum, survivors.Length);

        double stddev = Math.Sqrt(Math.Pow(0.05, 2) + clients * dp.Scale * dp.Scale / 4) / survivors.Length;
        for (int i = 0; i < dimension; i++)
        {
            double expected = survivors.Average(id => updates[id - 1][i]);
            Assert.Equal(expected, average[i], 6 * stddev);
        }
    }
}
