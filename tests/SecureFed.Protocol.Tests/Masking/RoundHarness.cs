using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Masking;
using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Protocol.Tests.Masking;

/// <summary>
/// Drives a real server and real clients through a mask-mode round one stage at a time, so
/// that tests can drop clients or tamper with messages between stages.
/// </summary>
internal sealed class RoundHarness : IDisposable
{
    /// <summary>
    /// Sets up the round. <paramref name="serverMinSurvivors"/> and
    /// <paramref name="clientPolicy"/> are the server's and every client's min_clients
    /// checks, apart so that a test can play a server that skips its own.
    /// </summary>
    public RoundHarness(
        int clients, int dimension, int bits, int degree, int threshold, ulong round = 7,
        bool keepUnmaskingEvidence = false, int serverMinSurvivors = 0, MaskClientPolicy? clientPolicy = null)
    {
        Ids = Enumerable.Range(1, clients).Select(i => (uint)(i * 3)).ToArray();
        Identities = Ids.ToDictionary(id => id, _ => Ed25519PrivateKey.Generate());
        Directory = Identities.ToDictionary(kv => kv.Key, kv => kv.Value.PublicKey);
        var parameters = new SecAggParameters(clients, degree, threshold, 0, 0);
        Setup = MaskServer.CreateSetup(round, dimension, bits, parameters, Ids);
        Server = new MaskServer(Setup, Directory)
        {
            KeepUnmaskingEvidence = keepUnmaskingEvidence,
            MinSurvivors = serverMinSurvivors,
        };
        Clients = Ids.ToDictionary(id => id, id => new MaskClient(id, Identities[id], Directory, clientPolicy));
        var random = new Random(clients * 7919 + dimension);
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        Inputs = Ids.ToDictionary(
            id => id,
            _ => Enumerable.Range(0, dimension).Select(_ => (ulong)random.NextInt64() & mask).ToArray());
    }

    public uint[] Ids { get; }

    public Dictionary<uint, Ed25519PrivateKey> Identities { get; }

    public Dictionary<uint, Ed25519PublicKey> Directory { get; }

    public MaskRoundSetup Setup { get; }

    public MaskServer Server { get; }

    public Dictionary<uint, MaskClient> Clients { get; }

    public Dictionary<uint, ulong[]> Inputs { get; }

    public Dictionary<uint, byte[]> Masked { get; } = [];

    public AdvertisedKeys? Advertised { get; private set; }

    public Dictionary<uint, ForwardedShares> Forwarded { get; private set; } = [];

    public ConsistencyCheckRequest? Check { get; private set; }

    public UnmaskRequest? UnmaskRequest { get; private set; }

    public uint[] Live(IEnumerable<uint> dropped) => Ids.Except(dropped).ToArray();

    public void AdvertiseStage(IEnumerable<uint> senders)
    {
        foreach (uint id in senders)
        {
            Server.ReceiveAdvertisement(Clients[id].Advertise(Setup));
        }

        Advertised = Server.CloseAdvertising();
    }

    public void ShareStage(IEnumerable<uint> senders)
    {
        foreach (uint id in senders)
        {
            Server.ReceiveShareKeys(Clients[id].ShareKeys(Advertised!));
        }

        Forwarded = Server.CloseSharing().ToDictionary(f => f.Recipient);
    }

    public void MaskStage(IEnumerable<uint> senders)
    {
        foreach (uint id in senders)
        {
            var masked = Clients[id].MaskInput(Forwarded[id], Inputs[id]);
            Masked[id] = masked.PackedVector;
            Server.ReceiveMaskedInput(masked);
        }

        CloseMaskStage();
    }

    public void CloseMaskStage() => Check = Server.CloseMasking();

    public void ConsistencyStage(IEnumerable<uint> senders)
    {
        foreach (uint id in senders)
        {
            Server.ReceiveConsistencySignature(Clients[id].SignSurvivors(Check!));
        }

        UnmaskRequest = Server.CloseConsistencyCheck();
    }

    public MaskRoundResult UnmaskStage(IEnumerable<uint> senders)
    {
        foreach (uint id in senders)
        {
            Server.ReceiveUnmaskResponse(Clients[id].Unmask(UnmaskRequest!));
        }

        return Server.Finish();
    }

    public ulong[] PlainSum(IEnumerable<uint> contributors)
    {
        ulong mask = Setup.Bits == 64 ? ulong.MaxValue : (1UL << Setup.Bits) - 1;
        var sum = new ulong[Setup.Dimension];
        foreach (uint id in contributors)
        {
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] = unchecked(sum[i] + Inputs[id][i]) & mask;
            }
        }

        return sum;
    }

    public void Dispose()
    {
        foreach (var client in Clients.Values)
        {
            client.Dispose();
        }

        foreach (var identity in Identities.Values)
        {
            identity.Dispose();
        }
    }
}
