using System.Buffers.Binary;
using SecureFed.Client.Participation;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Simulator.Federation;

namespace SecureFed.Enclave.Tests.Integration;

/// <summary>Clients' inputs, the sum a round must publish, and the aggregate it did.</summary>
internal static class Aggregates
{
    /// <summary>A vector of <paramref name="dimension"/> values below 2^<paramref name="valueBits"/>.</summary>
    public static ulong[] RandomInput(Random random, int dimension, int valueBits) =>
        [.. Enumerable.Range(0, dimension).Select(_ => (ulong)random.NextInt64(1L << valueBits))];

    /// <summary>The coordinate-wise sum of <paramref name="inputs"/> modulo 2^<paramref name="bits"/>.</summary>
    public static ulong[] Sum(IEnumerable<ulong[]> inputs, int dimension, int bits)
    {
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var sum = new ulong[dimension];
        foreach (var input in inputs)
        {
            Assert.Equal(dimension, input.Length);
            for (int i = 0; i < dimension; i++)
            {
                sum[i] = unchecked(sum[i] + input[i]) & mask;
            }
        }

        return sum;
    }

    /// <summary>Downloads a completed round's aggregate: little-endian 64-bit residues.</summary>
    public static async Task<ulong[]> DownloadAsync(SimulatedParticipant client, RoundRef round)
    {
        byte[] bytes = await HeRoundParticipant.DownloadAsync(
            client.Connection.Rounds.DownloadAggregate(
                new StageRequest { Round = round, ClientId = client.Credentials!.ParticipantId }),
            CancellationToken.None);
        Assert.Equal(0, bytes.Length % sizeof(ulong));
        var residues = new ulong[bytes.Length / sizeof(ulong)];
        for (int i = 0; i < residues.Length; i++)
        {
            residues[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)));
        }

        return residues;
    }
}
