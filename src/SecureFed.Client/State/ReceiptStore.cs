using System.Globalization;
using System.Text;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Client.State;

/// <summary>
/// The receipts a participant keeps in its state folder (<c>receipts/</c>), one JSON file each,
/// in the form <c>securefed-audit receipt</c> reads.
/// </summary>
public static class ReceiptStore
{
    /// <summary>The file name of round <paramref name="round"/>'s receipt.</summary>
    public static string RoundFileName(ulong round) =>
        string.Create(CultureInfo.InvariantCulture, $"round-{round}.json");

    /// <summary>Writes <paramref name="receipt"/> as <paramref name="fileName"/>, replacing an older
    /// one atomically; returns its path.</summary>
    public static string Save(string stateDirectory, string fileName, LedgerReceipt receipt)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(receipt);
        string folder = Path.Combine(stateDirectory, StateDirectory.ReceiptsFolderName);
        StateDirectory.CreatePrivateFolder(folder);
        string path = Path.Combine(folder, fileName);
        StateDirectory.ReplaceAtomically(
            path, Encoding.UTF8.GetBytes(receipt.ToJson()), Protocol.Identity.CertificateFiles.PublicFileMode);
        return path;
    }

    /// <summary>The highest round a receipt is kept for, or 0.</summary>
    public static ulong LastRound(string stateDirectory)
    {
        string folder = Path.Combine(stateDirectory, StateDirectory.ReceiptsFolderName);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        ulong last = 0;
        foreach (string path in Directory.EnumerateFiles(folder, "round-*.json"))
        {
            string name = Path.GetFileNameWithoutExtension(path)["round-".Length..];
            if (ulong.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out ulong round))
            {
                last = Math.Max(last, round);
            }
        }

        return last;
    }
}
