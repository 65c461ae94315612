// The layout of the contributions directory that `securefed-enclave ledger export
// --contributions DIR` writes and the offline aggregate audit (AggregateAudit) reads:
//   DIR/round-000001/client-000005.bin      a contribution as the client uploaded it
//   DIR/round-000001/client-000005.leaves   its RFC 6962 leaf hashes, 32 bytes per chunk
//   DIR/round-000001/aggregate.bin          the aggregate as clients download it
//   DIR/round-000001/sum.bin                the sum in the protection domain
//   DIR/round-000001/unmasking.bin          mask mode: the stripped masks' seeds
// The leaf list lets an auditor check it once against the client-signed root and then read
// only the chunks it samples.

namespace SecureFed.Protocol.Audit;

/// <summary>The names of the files in an exported contributions directory.</summary>
public static class AuditFiles
{
    /// <summary>The aggregate clients download, whose SHA-256 round.closed holds.</summary>
    public const string Aggregate = "aggregate.bin";

    /// <summary>
    /// The sum in the protection domain, whose SHA-256 round.closed holds as sum_sha256:
    /// mask mode the unmasked sum packed at b bits per coordinate (as PackedVector packs a
    /// masked input); HE mode the aggregate ciphertexts the custodians decrypted,
    /// serialized and concatenated as a contribution's are.
    /// </summary>
    public const string Sum = "sum.bin";

    /// <summary>Mask mode: the unmasking evidence, whose SHA-256 round.closed holds.</summary>
    public const string Unmasking = "unmasking.bin";

    /// <summary>The directory of <paramref name="round"/>, relative to the export's root.</summary>
    public static string RoundDirectory(ulong round) => $"round-{round:D6}";

    /// <summary>The file of <paramref name="clientId"/>'s contribution in its round's directory.</summary>
    public static string Contribution(uint clientId) => $"client-{clientId:D6}.bin";

    /// <summary>The file of a contribution's leaf hashes in its round's directory.</summary>
    public static string Leaves(uint clientId) => $"client-{clientId:D6}.leaves";
}
