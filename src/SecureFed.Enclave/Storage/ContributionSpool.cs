// Contributions and aggregates on disk, under the state directory:
//   spool/round-000001/client-000005.bin   a masked vector or a client's ciphertexts
//   spool/round-000001/sum.bin             the round's sum in the protection domain
//   spool/round-000001/unmasking.bin       mask mode: the seeds of the stripped masks
//   aggregates/round-000001.bin            the round's outcome as clients download it
// Only masked or encrypted bytes are ever spooled; an aggregate is the round's published
// output. Files are written to a temporary name, flushed to disk and then renamed, so a
// crash never leaves a partial file under a final name.

namespace SecureFed.Enclave.Storage;

/// <summary>The appliance's spool of contributions and aggregates.</summary>
public sealed class ContributionSpool
{
    private readonly string _root;

    /// <summary>Uses <paramref name="stateDirectory"/> for the spool.</summary>
    public ContributionSpool(string stateDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        _root = stateDirectory;
    }

    /// <summary>The spool path of a contribution, relative to the state directory.</summary>
    public static string ContributionPath(ulong round, uint clientId) =>
        Path.Combine("spool", $"round-{round:D6}", $"client-{clientId:D6}.bin");

    /// <summary>The path of a round's aggregate, relative to the state directory.</summary>
    public static string AggregatePath(ulong round) => Path.Combine("aggregates", $"round-{round:D6}.bin");

    /// <summary>
    /// The path of a round's audit evidence file <paramref name="name"/> (AuditFiles.Sum
    /// or AuditFiles.Unmasking), relative to the state directory.
    /// </summary>
    public static string RoundFilePath(ulong round, string name) =>
        Path.Combine("spool", $"round-{round:D6}", name);

    /// <summary>Writes a round's audit evidence file durably; refuses to overwrite one.</summary>
    /// <exception cref="IOException">The file exists or cannot be written.</exception>
    public string WriteRoundFile(ulong round, string name, ReadOnlySpan<byte> data)
    {
        string relative = RoundFilePath(round, name);
        WriteDurably(relative, data);
        return relative;
    }

    /// <summary>Writes a contribution durably; refuses to overwrite one.</summary>
    /// <exception cref="IOException">The file exists or cannot be written.</exception>
    public string WriteContribution(ulong round, uint clientId, ReadOnlySpan<byte> data)
    {
        string relative = ContributionPath(round, clientId);
        WriteDurably(relative, data);
        return relative;
    }

    /// <summary>Writes a round's aggregate durably.</summary>
    public string WriteAggregate(ulong round, ReadOnlySpan<byte> data)
    {
        string relative = AggregatePath(round);
        WriteDurably(relative, data);
        return relative;
    }

    /// <summary>Reads a spooled file by its relative path.</summary>
    public byte[] Read(string relative) => File.ReadAllBytes(Path.Combine(_root, relative));

    /// <summary>Removes a spooled file, for a contribution whose ledger entry failed.</summary>
    public void Remove(string relative)
    {
        string path = Path.Combine(_root, relative);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private void WriteDurably(string relative, ReadOnlySpan<byte> data)
    {
        string path = Path.Combine(_root, relative);
        string directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        if (File.Exists(path))
        {
            throw new IOException($"{relative} exists already.");
        }

        string temporary = path + ".partial";
        using (var file = new FileStream(
            temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.None))
        {
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(file.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            file.Write(data);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path);
    }
}
