using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Simulator.SecAgg;

/// <summary>
/// Sizes of mask-mode messages in a compact binary encoding: fixed-size integers, byte
/// strings with a 4-byte length, lists with a 4-byte count. Transport framing is not counted.
/// </summary>
internal static class WireSizes
{
    private const int Round = 8;
    private const int Id = 4;
    private const int Length = 4;

    public static long Of(AdvertiseKeys m) =>
        Round + Id + Bytes(m.CipherPublicKey) + Bytes(m.MaskPublicKey) + Bytes(m.Signature);

    public static long Of(ShareKeys m) =>
        Round + Id + Bytes(m.SessionId) + Length + m.Shares.Sum(s => Id + Id + Bytes(s.Ciphertext));

    public static long Of(MaskedInput m) => Round + Id + Bytes(m.SessionId) + Bytes(m.PackedVector);

    public static long Of(ConsistencySignature m) => Round + Id + Bytes(m.SessionId) + Bytes(m.Signature);

    public static long Of(UnmaskResponse m) =>
        Round + Id + Bytes(m.SessionId) + Length + m.Shares.Sum(s => Id + 1 + Bytes(s.Share));

    private static long Bytes(byte[] value) => Length + value.Length;
}
