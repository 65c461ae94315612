using SecureFed.Client.State;
using SecureFed.Client.Tests.Updates;

namespace SecureFed.Client.Tests.State;

/// <summary>
/// The participant's state folder keeps its secrets from other users from the moment they
/// exist: modes are set when a file is created, not by a chmod afterwards.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StateDirectoryModeTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Source(string name, string text, UnixFileMode mode)
    {
        string path = _temp.File(name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void Create_SecretsAreOwnerOnlyAndFolderIs0700()
    {
        string key = Source("in.key", "-----BEGIN PRIVATE KEY-----\n", OwnerReadWrite);
        string cert = Source("in.crt", "-----BEGIN CERTIFICATE-----\n", OwnerReadWrite | UnixFileMode.OtherRead);
        string ca = Source("ca.crt", "-----BEGIN CERTIFICATE-----\n", OwnerReadWrite | UnixFileMode.OtherRead);
        string folder = _temp.File("state");
        var state = new ParticipantState("https://127.0.0.1:7443", "00", 1, "client", "c1", "00", "", "", "");

        StateDirectory.Create(folder, state, new byte[32], cert, key, ca);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(folder));
        Assert.Equal(OwnerReadWrite,
            File.GetUnixFileMode(Path.Combine(folder, StateDirectory.SigningKeyFileName)));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(folder, StateDirectory.KeyFileName)));
        var certificateMode = File.GetUnixFileMode(Path.Combine(folder, StateDirectory.CertificateFileName));
        Assert.Equal((UnixFileMode)0, certificateMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }

    [Fact]
    public void RequireOwnerOnly_FileOthersMayRead_IsRefused()
    {
        string key = Source("shared.key", "secret", OwnerReadWrite | UnixFileMode.GroupRead);

        var ex = Assert.Throws<UnauthorizedAccessException>(() => StateDirectory.RequireOwnerOnly(key));

        Assert.Contains("0600", ex.Message, StringComparison.Ordinal);
    }
}
