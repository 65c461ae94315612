using System.Reflection;
using System.Security.Cryptography;
using SecureFed.Build;

namespace SecureFed.Training.Tests.Native;

public sealed class ElfVersionPatcherTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";

    private readonly string _directory =
        Directory.CreateTempSubdirectory("securefed-elf-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void PackageLibrary_RequiresGlibcxx332Strongly()
    {
        // The build must have left the package cache alone, and the tests below rely on
        // starting from an unpatched library.
        var needs = ElfVersionPatcher.ReadVersionNeeds(File.ReadAllBytes(PackageLibrary()));

        var need = Assert.Single(needs, n => n.Version == Version);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.Equal(0, need.Flags & ElfVersionPatcher.WeakFlag);
    }

    [Fact]
    public void MarkWeakInFile_UnpatchedLibrary_SetsWeakFlagOnThatRequirementOnly()
    {
        var path = CopyOfPackageLibrary();
        var before = ElfVersionPatcher.ReadVersionNeeds(File.ReadAllBytes(path));

        var (marked, alreadyWeak) = ElfVersionPatcher.MarkWeakInFile(path, Version);

        Assert.Equal((1, 0), (marked, alreadyWeak));
        var after = ElfVersionPatcher.ReadVersionNeeds(File.ReadAllBytes(path));
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++)
        {
            var expected = before[i].Version == Version
                ? (ushort)(before[i].Flags | ElfVersionPatcher.WeakFlag)
                : before[i].Flags;
            Assert.Equal(before[i] with { Flags = expected }, after[i]);
        }
    }

    [Fact]
    public void MarkWeakInFile_Twice_GivesIdenticalBytes()
    {
        var path = CopyOfPackageLibrary();
        ElfVersionPatcher.MarkWeakInFile(path, Version);
        var once = File.ReadAllBytes(path);

        var second = ElfVersionPatcher.MarkWeakInFile(path, Version);

        Assert.Equal((0, 1), second);
        Assert.Equal(SHA256.HashData(once), SHA256.HashData(File.ReadAllBytes(path)));
    }

    [Fact]
    public void MarkWeakInFile_ChangesOnlyTheFlagBytes()
    {
        var original = File.ReadAllBytes(PackageLibrary());
        var path = CopyOfPackageLibrary();

        ElfVersionPatcher.MarkWeakInFile(path, Version);

        var patched = File.ReadAllBytes(path);
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]);
        Assert.Single(changed);
    }

    [Fact]
    public void MarkWeakInFile_NotElf_IsRefusedAndLeftUnchanged()
    {
        var path = Path.Combine(_directory, "not-elf.so");
        var content = "#!/bin/sh\necho this is not an ELF file\n"u8.ToArray();
        File.WriteAllBytes(path, [.. content, .. new byte[64]]);
        var before = File.ReadAllBytes(path);

        Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MarkWeakInFile(path, Version));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(4, 1)] // ELFCLASS32
    [InlineData(5, 2)] // ELFDATA2MSB
    public void MarkWeak_NotElf64LittleEndian_IsRefused(int identIndex, byte value)
    {
        var image = File.ReadAllBytes(PackageLibrary());
        image[identIndex] = value;

        Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MarkWeak(image, Version));
    }

    [Fact]
    public void MarkWeak_TruncatedImage_IsRefused()
    {
        var image = File.ReadAllBytes(PackageLibrary())[..4096];

        Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MarkWeak(image, Version));
    }

    [Fact]
    public void BuildOutputLibrary_IsPatchedByTheBuild()
    {
        var path = Path.Combine(
            AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

        var needs = ElfVersionPatcher.ReadVersionNeeds(File.ReadAllBytes(path));

        var need = Assert.Single(needs, n => n.Version == Version);
        Assert.NotEqual(0, need.Flags & ElfVersionPatcher.WeakFlag);
    }

    private static string PackageLibrary() =>
        typeof(ElfVersionPatcherTests).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "LibTorchSharpInPackage").Value!;

    private string CopyOfPackageLibrary()
    {
        var path = Path.Combine(_directory, "libLibTorchSharp.so");
        File.Copy(PackageLibrary(), path);
        return path;
    }
}
