using System.Security.Cryptography;

namespace SecureFed.Crypto.Tests.Merkle;

// A direct transcription of the recursive definitions of RFC 6962 section 2.1 (MTH, PATH,
// PROOF/SUBPROOF), slow and allocation-heavy on purpose, used as the reference.
internal static class NaiveMerkle
{
    public static byte[] Root(byte[][] d)
    {
        if (d.Length == 0)
        {
            return SHA256.HashData(Array.Empty<byte>());
        }

        if (d.Length == 1)
        {
            return d[0];
        }

        int k = Split(d.Length);
        return Node(Root(d[..k]), Root(d[k..]));
    }

    public static byte[][] Path(int m, byte[][] d)
    {
        if (d.Length <= 1)
        {
            return [];
        }

        int k = Split(d.Length);
        return m < k
            ? [.. Path(m, d[..k]), Root(d[k..])]
            : [.. Path(m - k, d[k..]), Root(d[..k])];
    }

    public static byte[][] Consistency(int m, byte[][] d) =>
        m == 0 || m == d.Length ? [] : Subproof(m, d, true);

    private static byte[][] Subproof(int m, byte[][] d, bool b)
    {
        if (m == d.Length)
        {
            return b ? [] : [Root(d)];
        }

        int k = Split(d.Length);
        return m <= k
            ? [.. Subproof(m, d[..k], b), Root(d[k..])]
            : [.. Subproof(m - k, d[k..], false), Root(d[..k])];
    }

    private static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    private static int Split(int n)
    {
        int k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }
}
