using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.He;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.Tests.He;

/// <summary>
/// A whole HE-mode federation in one process: custodians with enrolled identities, a key
/// ceremony run through the coordinator, and clients with signed contribution statements.
/// </summary>
internal sealed class HeHarness : IDisposable
{
    public const int ScaleBits = 80;

    public HeHarness(CkksContext context, uint[] custodianIds, int threshold, int clientCount)
    {
        Context = context;
        CustodianIds = custodianIds;
        CustodianKeys = custodianIds.ToDictionary(id => id, _ => Ed25519PrivateKey.Generate());
        CustodianDirectory = CustodianKeys.ToDictionary(p => p.Key, p => p.Value.PublicKey);
        ClientIds = Enumerable.Range(100, clientCount).Select(i => (uint)i).ToArray();
        ClientKeys = ClientIds.ToDictionary(id => id, _ => Ed25519PrivateKey.Generate());
        ClientDirectory = ClientKeys.ToDictionary(p => p.Key, p => p.Value.PublicKey);
        Setup = CeremonyCoordinator.CreateSetup(context, custodianIds, threshold);
        Coordinator = new CeremonyCoordinator(context, Setup, CustodianDirectory);
        Ceremonies = custodianIds.ToDictionary(
            id => id, id => new CustodianCeremony(context, Setup, id, CustodianKeys[id], CustodianDirectory));
    }

    /// <summary>The small ring the protocol tests use: N = 1024, three 60-bit primes. Not secure.</summary>
    public static CkksContext SmallContext { get; } =
        new(CkksParameters.UnsafeCreateWithoutSecurityCheck(1024, [60, 60, 60]));

    public CkksContext Context { get; }

    public uint[] CustodianIds { get; }

    public Dictionary<uint, Ed25519PrivateKey> CustodianKeys { get; }

    public Dictionary<uint, Ed25519PublicKey> CustodianDirectory { get; }

    public uint[] ClientIds { get; }

    public Dictionary<uint, Ed25519PrivateKey> ClientKeys { get; }

    public Dictionary<uint, Ed25519PublicKey> ClientDirectory { get; }

    public CeremonySetup Setup { get; }

    public CeremonyCoordinator Coordinator { get; }

    public Dictionary<uint, CustodianCeremony> Ceremonies { get; }

    public Dictionary<uint, CustodianShares> SharesSent { get; } = [];

    public Dictionary<uint, CustodianKeyState> KeyStates { get; } = [];

    /// <summary>Every contribution <see cref="Evidence"/> signed, by its hex root, as the
    /// appliance would spool it.</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> Spool { get; } = new();

    /// <summary>Builds a harness and runs the whole ceremony.</summary>
    public static HeHarness WithCeremony(CkksContext context, uint[] custodianIds, int threshold, int clientCount)
    {
        var harness = new HeHarness(context, custodianIds, threshold, clientCount);
        harness.AdvertiseStage();
        harness.ShareStage();
        harness.CompleteStage();
        return harness;
    }

    public void AdvertiseStage()
    {
        foreach (CustodianCeremony ceremony in Ceremonies.Values)
        {
            Coordinator.AddAdvertisement(ceremony.Advertise());
        }
    }

    /// <summary>Round 1 for every custodian but one that has already advertised.</summary>
    public void AdvertiseStageExcept(uint alreadyAdvertised)
    {
        foreach ((uint id, CustodianCeremony ceremony) in Ceremonies)
        {
            if (id != alreadyAdvertised)
            {
                Coordinator.AddAdvertisement(ceremony.Advertise());
            }
        }
    }

    public void ShareStage()
    {
        foreach ((uint id, CustodianCeremony ceremony) in Ceremonies)
        {
            CustodianShares shares = ceremony.ShareSecret(Coordinator.Advertisements);
            SharesSent[id] = shares;
            Coordinator.AddShares(shares);
        }
    }

    public void CompleteStage()
    {
        foreach ((uint id, CustodianCeremony ceremony) in Ceremonies)
        {
            Coordinator.AddConfirmation(ceremony.Complete(Coordinator.SharesFor(id)));
            KeyStates[id] = ceremony.TakeKeyState();
        }
    }

    /// <summary>The statement a client signs in these tests: round, id, length and root.</summary>
    public static byte[] Statement(ulong round, uint clientId, ulong totalLength, byte[] root) =>
        new Transcript("securefed-tests/contribution").U64(round).U32(clientId).U64(totalLength).Bytes(root)
            .Encoded.ToArray();

    public static bool VerifyStatement(ulong round, ContributionEvidence evidence, Ed25519PublicKey key) =>
        key.Verify(Statement(round, evidence.ClientId, evidence.TotalLength, evidence.Root), evidence.Signature);

    public ContributionEvidence Evidence(ulong round, uint clientId, IReadOnlyList<byte[]> ciphertexts)
    {
        byte[] contribution = ciphertexts.SelectMany(c => c).ToArray();
        byte[] root = ContributionCommitment.ComputeRoot(contribution);
        ulong length = (ulong)contribution.Length;
        Spool[Convert.ToHexString(root)] = contribution;
        byte[] signature = ClientKeys[clientId].Sign(Statement(round, clientId, length, root));
        return new ContributionEvidence(clientId, root, length, signature);
    }

    public CustodianDecryptionService Service(uint custodianId, int minimumContributors) =>
        new(KeyStates[custodianId], CustodianKeys[custodianId], ClientDirectory, VerifyStatement,
            minimumContributors);

    public DecryptionRequest Request(
        ulong round,
        IReadOnlyList<byte[]> aggregate,
        uint[] participants,
        IReadOnlyList<ContributionEvidence> evidence) =>
        new(Setup.CeremonyId, round, aggregate, participants, evidence);

    /// <summary>
    /// An appliance that opens, honestly, the contributions behind
    /// <paramref name="request"/>'s evidence from <see cref="Spool"/>.
    /// </summary>
    public static ContributionOpener HonestOpener(DecryptionRequest request) =>
        (opening, _) =>
        {
            var openings = new List<ContributionOpening>();
            foreach (uint client in opening.Clients)
            {
                byte[] root = request.Evidence.First(e => e.ClientId == client).Root;
                byte[] data = Spool[Convert.ToHexString(root)];
                byte[][] leaves = ContributionCommitment.LeafHashes(data);
                foreach (int index in opening.ChunkIndices)
                {
                    (long offset, int length) = ContributionCommitment.ChunkRange(data.Length, index);
                    openings.Add(new ContributionOpening(
                        client, index, data.AsSpan((int)offset, length).ToArray(),
                        ContributionCommitment.ChunkProof(leaves, index)));
                }
            }

            return Task.FromResult<IReadOnlyList<ContributionOpening>>(openings);
        };

    public static long[] RandomVector(Random random, int length, long bound)
    {
        var values = new long[length];
        for (int j = 0; j < length; j++)
        {
            values[j] = random.NextInt64(-bound, bound + 1);
        }

        return values;
    }

    public void Dispose()
    {
        foreach (CustodianCeremony ceremony in Ceremonies.Values)
        {
            ceremony.Dispose();
        }

        foreach (CustodianKeyState state in KeyStates.Values)
        {
            state.Dispose();
        }

        foreach (Ed25519PrivateKey key in CustodianKeys.Values.Concat(ClientKeys.Values))
        {
            key.Dispose();
        }
    }
}
