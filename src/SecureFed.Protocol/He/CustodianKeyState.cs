// A custodian's long-term state after a key ceremony: its Shamir share S_j of the collective
// CKKS secret (Mouchet et al., PETS 2021, with t-of-k sharing), the committee, and the
// ceremony it came from. Format, big-endian integers:
//   "SFHK" (4) || version 1 (1) || ceremony id (32) || custodian id (4) || threshold (4)
//   || custodian count k (4) || k ids (4 each, strictly ascending)
//   || SHA-256 of the collective public key (32) || share length (4)
//   || the share in CkksSerializer's polynomial format (NTT form, modulo Q).
// At N = 8192 with the default chain the share takes 184,340 bytes.

using System.Buffers.Binary;
using SecureFed.Crypto.Ckks;

namespace SecureFed.Protocol.He;

/// <summary>
/// What a custodian keeps after the key ceremony: its threshold key share, its id, the
/// committee, the ceremony id and the hash of the collective public key. Dispose clears it.
/// </summary>
/// <remarks>
/// The bytes of <see cref="Serialize"/> hold the custodian's secret share. The caller must
/// store them where only the custodian can read them (for instance a file of mode 0600 on
/// an encrypted volume, or sealed by a hardware key), and clear its copy after writing.
/// </remarks>
public sealed class CustodianKeyState : IDisposable
{
    private const byte FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "SFHK"u8;

    private readonly RnsPolynomial _share;
    private readonly byte[] _ceremonyId;
    private readonly byte[] _publicKeyHash;
    private bool _disposed;

    internal CustodianKeyState(
        CkksCommittee committee, uint custodianId, byte[] ceremonyId, byte[] publicKeyHash,
        RnsPolynomial share)
    {
        KeyShare = new CkksThresholdKeyShare(committee, (int)custodianId, share);
        _share = share;
        CustodianId = custodianId;
        _ceremonyId = ceremonyId;
        _publicKeyHash = publicKeyHash;
    }

    /// <summary>This custodian's id.</summary>
    public uint CustodianId { get; }

    /// <summary>The ceremony that made the key.</summary>
    public ReadOnlySpan<byte> CeremonyId => _ceremonyId;

    /// <summary>SHA-256 of the serialized collective public key.</summary>
    public ReadOnlySpan<byte> CollectivePublicKeyHash => _publicKeyHash;

    /// <summary>The committee and threshold.</summary>
    public CkksCommittee Committee => KeyShare.Committee;

    /// <summary>The threshold key share; owned by this object.</summary>
    public CkksThresholdKeyShare KeyShare { get; }

    /// <summary>
    /// Reads a state written by <see cref="Serialize"/> for the parameters of
    /// <paramref name="context"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="FormatException">
    /// The bytes are not a well-formed state: wrong magic, version or length, a bad committee,
    /// or a share of other parameters or form.
    /// </exception>
    public static CustodianKeyState Deserialize(CkksContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reader = new Reader(data);
        if (!reader.Take(4).SequenceEqual(Magic))
        {
            throw new FormatException("The bytes are not a SecureFed custodian key state.");
        }

        byte version = reader.Take(1)[0];
        if (version != FormatVersion)
        {
            throw new FormatException($"The custodian key state has version {version}, not {FormatVersion}.");
        }

        byte[] ceremonyId = reader.Take(CeremonyRules.CeremonyIdSize).ToArray();
        uint custodianId = reader.U32();
        uint threshold = reader.U32();
        uint count = reader.U32();
        if (count is 0 or > CkksCommittee.MaxCustodianId)
        {
            throw new FormatException($"The custodian key state lists {count} custodians.");
        }

        var ids = new int[count];
        for (int i = 0; i < ids.Length; i++)
        {
            uint id = reader.U32();
            if (id is 0 or > CkksCommittee.MaxCustodianId || (i > 0 && id <= (uint)ids[i - 1]))
            {
                throw new FormatException(
                    "The custodian key state's committee ids are not ascending ids from 1 to 65535.");
            }

            ids[i] = (int)id;
        }

        if (threshold < 1 || threshold > count)
        {
            throw new FormatException($"The custodian key state's threshold {threshold} is out of range.");
        }

        if (custodianId > CkksCommittee.MaxCustodianId || Array.BinarySearch(ids, (int)custodianId) < 0)
        {
            throw new FormatException($"Custodian {custodianId} is not in the stored committee.");
        }

        byte[] publicKeyHash = reader.Take(32).ToArray();
        uint shareLength = reader.U32();
        if (shareLength > int.MaxValue)
        {
            throw new FormatException("The custodian key state is truncated.");
        }

        ReadOnlySpan<byte> shareBytes = reader.Take((int)shareLength);
        reader.End();

        RnsPolynomial share = CkksSerializer.DeserializePolynomial(context, shareBytes);
        if (!share.IsNttForm || share.IsKeyLevel)
        {
            share.Clear();
            throw new FormatException("The stored key share is not in NTT form modulo Q.");
        }

        return new CustodianKeyState(
            new CkksCommittee(ids, (int)threshold), custodianId, ceremonyId, publicKeyHash, share);
    }

    /// <summary>
    /// Writes the state, secret share included. Protect the bytes and clear them after use.
    /// </summary>
    public byte[] Serialize()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int shareSize = CkksSerializer.GetSerializedSize(_share);
        IReadOnlyList<int> ids = Committee.CustodianIds;
        int size = 4 + 1 + 32 + 4 + 4 + 4 + (4 * ids.Count) + 32 + 4 + shareSize;
        byte[] buffer = new byte[size];
        Span<byte> span = buffer;
        Magic.CopyTo(span);
        span[4] = FormatVersion;
        _ceremonyId.CopyTo(span[5..]);
        int offset = 5 + 32;
        offset = WriteU32(span, offset, CustodianId);
        offset = WriteU32(span, offset, (uint)Committee.Threshold);
        offset = WriteU32(span, offset, (uint)ids.Count);
        foreach (int id in ids)
        {
            offset = WriteU32(span, offset, (uint)id);
        }

        _publicKeyHash.CopyTo(span[offset..]);
        offset = WriteU32(span, offset + 32, (uint)shareSize);
        CkksSerializer.SerializePolynomial(_share, span[offset..]);
        return buffer;
    }

    /// <summary>Clears the key share.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        KeyShare.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"CustodianKeyState(custodian {CustodianId}, {Committee}, secret)";

    /// <summary>True when the stored key share and <paramref name="other"/>'s are equal.</summary>
    internal bool ShareEquals(CustodianKeyState other) => _share.ContentEquals(other._share);

    private static int WriteU32(Span<byte> span, int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(span[offset..], value);
        return offset + 4;
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public ReadOnlySpan<byte> Take(int count)
        {
            if (_rest.Length < count)
            {
                throw new FormatException("The custodian key state is truncated.");
            }

            ReadOnlySpan<byte> taken = _rest[..count];
            _rest = _rest[count..];
            return taken;
        }

        public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public readonly void End()
        {
            if (!_rest.IsEmpty)
            {
                throw new FormatException("The custodian key state has trailing bytes.");
            }
        }
    }
}
